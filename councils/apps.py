from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self) -> None:
        from . import page_cache

        page_cache.connect()
        from accounts import address_proofs, personal_data
        from accounts.roles import register_reader_fact, register_staff_role
        from notifications import registry as notification_kinds
        from search import registry as search_registry

        from . import permissions, registry
        from .activity import MEMBERSHIP_ACTIVITY
        from .personal_data_sections import COUNCILS_SECTION
        from .search import COUNCILS
        from .services import (
            INVITATION_KIND,
            JOIN_DECISION_KIND,
            JOIN_REQUEST_KIND,
            OUTSIDE_CHANGE_KIND,
        )
        from .signup_proof import INVITATION_PROOF

        register_staff_role(permissions.is_referent)
        register_reader_fact("_is_referent", permissions.referent_fact)
        personal_data.register(COUNCILS_SECTION)
        address_proofs.register(INVITATION_PROOF)
        registry.register_activity_source(MEMBERSHIP_ACTIVITY)
        search_registry.register(COUNCILS)
        for kind in (
            notification_kinds.Kind(
                key=JOIN_REQUEST_KIND,
                label=_("Requests to join my councils"),
                default=notification_kinds.IMMEDIATE,
                visible=permissions.visible_join_request_ids,
                order=80,
                help_text=_(
                    "Someone asks to join a council you coordinate, or accompany as referent."
                ),
            ),
            notification_kinds.Kind(
                key=JOIN_DECISION_KIND,
                label=_("Answers to my requests to join"),
                default=notification_kinds.IMMEDIATE,
                visible=permissions.visible_join_decision_ids,
                order=75,
                help_text=_("A council accepts or refuses your request to join it."),
            ),
            notification_kinds.Kind(
                key=INVITATION_KIND,
                label=_("Invitations to a council"),
                default=notification_kinds.SITE,
                visible=permissions.visible_invitation_ids,
                order=76,
                help_text=_(
                    "A council invites the address of your account. The invitation "
                    "itself, with its link, always comes by e-mail too."
                ),
            ),
            notification_kinds.Kind(
                key=OUTSIDE_CHANGE_KIND,
                label=_("Changes made from outside the councils I coordinate"),
                default=notification_kinds.IMMEDIATE,
                visible=permissions.visible_outside_change_ids,
                order=70,
                help_text=_(
                    "A referent or the national animation changes who belongs to a council "
                    "you coordinate, or a referent is appointed for its department."
                ),
                mandatory=True,
            ),
        ):
            notification_kinds.register_kind(kind)
