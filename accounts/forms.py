"""Forms of the account pages; they validate, the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelForm
from common.images import process_avatar

from .models import DISPLAY_NAME_MAX_LENGTH, User

DELETE_CONFIRMATION_WORD = "SUPPRIMER"


class SignupProfileForm(Form):
    """The fields allauth's sign-up form adds to e-mail and password."""

    label_suffix = ""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_(
            "Your first name, or first name and last name: it is shown next to your messages."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(ModelForm):
    label_suffix = ""
    avatar_upload = forms.FileField(
        label=_("New avatar"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF, 5 MB at most. It is cropped to a square of 256 pixels."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "town",
            "grammatical_gender",
            "publish_profile",
            "publish_avatar",
            "publish_bio",
            "publish_town",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "grammatical_gender": forms.RadioSelect,
        }
        error_messages = {"display_name": {"required": _("Enter the name other people will see.")}}

    def clean_avatar_upload(self):
        uploaded = self.cleaned_data.get("avatar_upload")
        if not uploaded:
            return None
        return process_avatar(uploaded)


class AccountDeleteForm(Form):
    label_suffix = ""
    confirmation = forms.CharField(
        label=_("To confirm, type SUPPRIMER in capital letters"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value != DELETE_CONFIRMATION_WORD:
            raise forms.ValidationError(
                _("Type SUPPRIMER exactly to confirm that you want to delete your account.")
            )
        return value
