"""Forms of the pages. They parse and validate input; the services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from studio.accounts import services as account_services
from studio.cast.models import Character
from studio.projects.models import Project
from studio.projects.permissions import Role


class LoginForm(AuthenticationForm):
    """Django's login form, which waits after too many failed logins for the account or from the address."""

    def clean(self):
        username = self.cleaned_data.get("username") or None
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        wait = account_services.login_wait_s(username=username, address=address)
        if wait:
            self.wait_s = wait
            raise ValidationError(account_services.login_wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            account_services.login_failed(username=username, address=address)
            raise
        account_services.login_succeeded(username=self.get_user().get_username())
        return cleaned


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "logline", "format", "aspect_ratio", "frame_rate", "style_prompt"]
        widgets = {
            "logline": forms.Textarea(attrs={"rows": 2, "placeholder": "A keeper alone on a rock receives a visitor "
                                                                       "the sea should not have allowed."}),
            "style_prompt": forms.Textarea(attrs={"rows": 3, "placeholder": "35mm film, muted teal and amber, "
                                                                            "hard rim light, volumetric fog"}),
            "title": forms.TextInput(attrs={"placeholder": "The Lighthouse", "autofocus": True}),
        }


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"placeholder": "username"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class CharacterForm(forms.ModelForm):
    """A character's fields; an empty voice speed is the voice's own (0)."""

    aliases = forms.CharField(
        required=False, help_text="Comma separated: other names the script uses.",
        widget=forms.TextInput(attrs={"placeholder": "THE KEEPER, Mrs. Vik"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    voice_speed = forms.IntegerField(required=False, min_value=0, max_value=450, label="Voice speed",
                                     help_text="Words per minute (80–450); empty: the voice's own.",
                                     widget=forms.NumberInput(attrs={"step": 10, "placeholder": "175"}))

    class Meta:
        model = Character
        fields = ["name", "aliases", "description", "appearance_prompt", "seed", "color", "voice", "voice_speed"]
        labels = {"voice": "Scratch voice"}
        widgets = {
            "voice": forms.TextInput(attrs={"placeholder": "en-gb+f3"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "appearance_prompt": forms.Textarea(attrs={"rows": 3, "placeholder": "woman in her sixties, weathered "
                                                                                 "face, grey braid, oilskin coat"}),
            "color": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = ", ".join(self.instance.aliases)
            self.initial["version"] = self.instance.version
            self.initial["voice_speed"] = self.instance.voice_speed or None  # shown empty: the voice's own pace
        self.fields["seed"].required = False
        self.fields["color"].required = False

    def clean_voice_speed(self) -> int:
        return self.cleaned_data.get("voice_speed") or 0

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]

    def _post_clean(self):
        # Validation of the whole object is the service's job (it knows the rest of the cast).
        pass


class ReferenceForm(forms.Form):
    image = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp",
                                                                   "class": "file-input"}))
    caption = forms.CharField(max_length=200, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "Caption (optional)", "class": "input"}))
