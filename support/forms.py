"""Forms of the help desk; they validate, the services write."""

from __future__ import annotations

import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import Form
from councils.models import Council, Department

from .models import (
    CALL_TIMES_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)
from .services import CALL_LENGTH_NEEDED, CALL_MAX_MINUTES

PHONE_ALLOWED = set("0123456789+ .-()")


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, council: Council) -> str:
        return f"{council.name} – {council.town} ({council.department.code})"


class HelpRequestForm(Form):
    label_suffix = ""
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Explain your situation in a few sentences (5,000 characters at most)."),
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    council = CouncilChoiceField(
        label=_("Council concerned (optional)"),
        queryset=Council.objects.active()
        .select_related("department")
        .order_by("department__code", "name"),
        required=False,
        empty_label=_("No council in particular"),
    )
    department = forms.ModelChoiceField(
        label=_("Your department (optional)"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("Not given"),
        help_text=_("The local referent of your department can then answer you too."),
    )
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=NAME_MAX_LENGTH, required=False
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We answer you at this address and send you a link to follow your request."),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        max_length=PHONE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    wants_call = forms.BooleanField(label=_("I would rather be called"), required=False)
    call_times = forms.CharField(
        label=_("When can we call you? (optional)"),
        max_length=CALL_TIMES_MAX_LENGTH,
        required=False,
        help_text=_("For example: weekdays after 6 pm, Saturday morning."),
    )
    # A trap for robots: hidden from people, filled in by crawlers.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # One request per form, however many times it is sent.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(24))
        if user is not None and user.is_authenticated:
            # Answers go to the account's address.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "The address of your account. You also find your requests under “My requests”."
            )
            self.fields["name"].initial = user.display_name
            self.fields["email"].initial = user.email

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = [c for c in phone if c.isdigit()]
        if phone and (not set(phone) <= PHONE_ALLOWED or len(digits) < 8):
            raise forms.ValidationError(_("Enter a phone number, for example 06 12 34 56 78."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_call") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number so that we can call you."))
        return cleaned


class ReplyForm(Form):
    """The requester writes again, or the team answers."""

    label_suffix = ""
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # The last message the writer had on screen (see services.request_answer).
    seen_up_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class FreshLinkForm(Form):
    """An expired follow link: the requester asks for a new one."""

    label_suffix = ""
    email = forms.EmailField(
        label=_("The e-mail address you wrote from"),
        help_text=_("If it is the request's address, we send a new link to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NoteForm(Form):
    label_suffix = ""
    body = forms.CharField(
        label=_("Internal note"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Seen by the team only, never by the requester."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallForm(Form):
    label_suffix = ""
    called_at = forms.DateTimeField(
        label=_("When"),
        help_text=_("Paris time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(
        label=_("Length in minutes"),
        help_text=_("Not needed for a missed call."),
        min_value=0,
        max_value=CALL_MAX_MINUTES,
        required=False,
    )
    reached = forms.TypedChoiceField(
        label=_("Did you reach the requester?"),
        choices=[("1", _("Yes, we talked")), ("0", _("No answer, message left"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(
        label=_("Note (team only)"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "called_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean(self):
        cleaned = super().clean()
        # A call that reached the requester has a length; a missed one may not.
        if (
            cleaned.get("reached")
            and cleaned.get("minutes") is None
            and "minutes" not in self.errors
        ):
            self.add_error("minutes", CALL_LENGTH_NEEDED)
        return cleaned


class AssignForm(Form):
    label_suffix = ""
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people
        self.fields["assignee"].label_from_instance = lambda person: (
            person.display_name or person.email
        )


class QueueFilterForm(Form):
    label_suffix = ""
    etat = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("en-attente", _("Waiting for an answer")),
            ("en-retard", pgettext_lazy("requests", "Overdue")),
            ("repondues", pgettext_lazy("requests", "Answered")),
            ("fermees", pgettext_lazy("requests", "Closed")),
            ("toutes", pgettext_lazy("requests", "All")),
        ],
    )
    departement = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("All departments"),
        to_field_name="code",
    )
    attribuee = forms.ChoiceField(label=_("Assigned to"), required=False)
    appel = forms.BooleanField(label=_("Call wanted"), required=False)

    def __init__(self, *args, departments, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departments
        self.fields["attribuee"].choices = [
            ("", _("Anyone")),
            ("moi", _("Me")),
            ("personne", _("Nobody")),
        ] + [(str(person.pk), person.display_name or person.email) for person in people]
