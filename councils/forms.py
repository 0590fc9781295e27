"""Forms of the council pages; they validate, the services write."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.forms import Form, ModelForm
from common.images import reencode_image

from .models import (
    JOIN_MESSAGE_MAX_LENGTH,
    REFUSAL_REASON_MAX_LENGTH,
    Council,
    Department,
    Membership,
    Region,
)

CONTACT_MESSAGE_MAX_LENGTH = 3_000
# QP + 6 digits (2015 list), QN + digits and a letter (2024 list).
NEIGHBOURHOOD_CODE = re.compile(r"Q[PN][0-9]{5,7}[A-Z]?")
LOGO_HELP = _("JPEG, PNG, WebP or GIF, 5 MB at most. It is reduced to 400 pixels at most.")


class DepartmentSelect(forms.Select):
    """The department list, each option carrying its region
    (``data-region``, the region's value in the form's region list) so that
    static/js/region-departments.js can narrow it to the chosen region.
    Without JavaScript the list is whole and the form checks the pair."""

    class Media:
        js = ("js/region-departments.js",)

    def __init__(self, attrs=None, choices=(), *, region_field: str = "region"):
        super().__init__(attrs, choices)
        # Department value -> region value; filled by the form.
        self.option_regions: dict[str, str] = {}
        self.region_field = region_field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-region-field"] = self.region_field
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        region = self.option_regions.get(str(value))
        if region is not None:
            option["attrs"]["data-region"] = region
        return option


class DirectoryFilterForm(Form):
    label_suffix = ""
    q = forms.CharField(label=_("Name or neighbourhood"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        to_field_name="code",
        widget=DepartmentSelect,
    )
    town = forms.CharField(label=_("Town"), required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Alphabetical as a reader expects it ("Île-de-France" among the I),
        # departments grouped under their region.
        regions = sorted(Region.objects.all(), key=lambda region: slugify(region.name))
        self.fields["region"].choices = [("", self.fields["region"].empty_label)] + [
            (region.pk, region.name) for region in regions
        ]
        by_region: dict[int, list] = {}
        option_regions: dict[str, str] = {}
        for department in Department.objects.order_by("code"):
            by_region.setdefault(department.region_id, []).append(
                (department.code, f"{department.code} – {department.name}")
            )
            option_regions[department.code] = str(department.region_id)
        self.fields["department"].widget.option_regions = option_regions
        self.fields["department"].choices = [("", self.fields["department"].empty_label)] + [
            (region.name, by_region.get(region.pk, [])) for region in regions
        ]

    def clean(self):
        cleaned = super().clean()
        region, department = cleaned.get("region"), cleaned.get("department")
        if region and department and department.region_id != region.pk:
            raise forms.ValidationError(
                _("%(department)s is not in %(region)s: choose one or the other."),
                params={"department": department, "region": region},
            )
        return cleaned


class CouncilForm(ModelForm):
    """The public page, as coordinators and referents edit it."""

    label_suffix = ""
    logo_upload = forms.FileField(
        label=_("New logo"),
        required=False,
        help_text=LOGO_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    # The version of the page the editor started from (see council_update).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Council
        fields = [
            "name",
            "town",
            "neighbourhood_name",
            "neighbourhood_code",
            "founded_on",
            "presentation",
        ]
        widgets = {
            "presentation": forms.Textarea(attrs={"rows": 12}),
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "presentation": _(
                "Who you are, what you do, how to take part. Markdown: **bold**, "
                "*italics*, lists with -, links [text](https://…)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
        if not self.instance.logo:
            del self.fields["remove_logo"]
            self.fields["logo_upload"].label = _("Logo")

    def clean_neighbourhood_code(self) -> str:
        code = self.cleaned_data["neighbourhood_code"].strip().upper().replace(" ", "")
        if code and not NEIGHBOURHOOD_CODE.fullmatch(code):
            raise forms.ValidationError(
                _(
                    "This is not a neighbourhood code: it starts with QP or QN followed "
                    "by digits, for example QP059012. Leave the field empty if you do "
                    "not know it."
                )
            )
        return code

    def clean_founded_on(self) -> date:
        founded_on = self.cleaned_data["founded_on"]
        if founded_on > timezone.localdate():
            raise forms.ValidationError(_("The date of creation cannot be in the future."))
        return founded_on

    def clean_version(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.cleaned_data["version"])
        except (TypeError, ValueError):
            return None

    def clean_logo_upload(self):
        uploaded = self.cleaned_data.get("logo_upload")
        if not uploaded:
            return None
        return reencode_image(
            uploaded, size=settings.COUNCIL_LOGO_SIZE_PX, square=False, name="logo"
        )


class CouncilCreateForm(CouncilForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    class Meta(CouncilForm.Meta):
        fields = ["department", *CouncilForm.Meta.fields]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.order_fields(["department", "name", "town"])


class JoinRequestForm(Form):
    label_suffix = ""
    message = forms.CharField(
        label=_("A few words for the coordinators (optional)"),
        help_text=_("For example: where you live, what you would like to do in the council."),
        required=False,
        max_length=JOIN_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class JoinRefusalForm(Form):
    """The optional reason given to the person whose request is refused."""

    label_suffix = ""
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_(
            "Only the person and those who manage the council's members read it. "
            "500 characters at most."
        ),
        required=False,
        max_length=REFUSAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ContactForm(Form):
    """A visitor writes to the coordinators. ``website`` is a trap for robots."""

    label_suffix = ""
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The council answers you at this address."),
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=CONTACT_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class InvitationForm(Form):
    label_suffix = ""
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RoleForm(Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ReferentAppointForm(Form):
    label_suffix = ""
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        help_text=_("The person must already have an account on the site."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), empty_label=_("Choose…")
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this address."))
        return user


def department_code_of(place: str) -> str | None:
    """The department code a postal code or a department code points to:
    "59100" and "59" → "59", "97110" and "971" → "971", "20090" → "2A",
    "20200" → "2B"; None when it is neither."""
    place = re.sub(r"\s", "", place).upper()
    if re.fullmatch(r"[0-9]{5}", place):
        if place.startswith("97"):
            return place[:3]
        if place.startswith("20"):
            return "2A" if int(place) < 20200 else "2B"
        return place[:2]
    if re.fullmatch(r"[0-9]{2,3}|2[AB]", place):
        return place.zfill(2)
    return None


class FirstStepsForm(Form):
    """Where the newcomer lives: a postal code or a department number."""

    label_suffix = ""
    place = forms.CharField(
        label=_("Your postal code or your department"),
        help_text=_("For example 59100 or 59."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    def clean_place(self) -> Department:
        code = department_code_of(self.cleaned_data["place"])
        department = Department.objects.filter(code=code).first() if code else None
        if department is None:
            raise forms.ValidationError(
                _("Enter a postal code (5 digits, such as 59100) or a department (such as 59).")
            )
        return department
