"""Forms of the agenda; they validate, the services write."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.forms import Form
from councils.models import Region

from .models import (
    DESCRIPTION_MAX_LENGTH,
    ERROR_ENDS_BEFORE_START,
    PLACE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Attendance,
    Event,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker; typed in Paris time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class EventForm(Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    starts_at = forms.DateTimeField(
        label=_("Start"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
        help_text=_("Day and time, Paris time."),
        error_messages={
            "required": _("Give the day and time it starts."),
            "invalid": _("Enter a date and a time, for example 03/12/2026 18:30."),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("End"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Give the day and time it ends."),
            "invalid": _("Enter a date and a time, for example 03/12/2026 20:00."),
        },
    )
    place = forms.CharField(
        label=_("Place (optional)"),
        max_length=PLACE_MAX_LENGTH,
        required=False,
        help_text=_("An address, a room, or a link for a meeting online."),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The agenda of the meeting. Markdown: **bold**, *italics*, lists with -."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Event.Visibility.choices,
        initial=Event.Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", ERROR_ENDS_BEFORE_START)
        return cleaned

    @classmethod
    def initial_from(cls, event: Event) -> dict:
        return {name: getattr(event, name) for name in cls.base_fields}


class AttendanceForm(Form):
    answer = forms.ChoiceField(
        label=_("Will you come?"),
        choices=Attendance.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )


class AgendaFilterForm(Form):
    label_suffix = ""
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = sorted(Region.objects.all(), key=lambda region: slugify(region.name))
        self.fields["region"].choices = [("", self.fields["region"].empty_label)] + [
            (region.code, region.name) for region in regions
        ]
