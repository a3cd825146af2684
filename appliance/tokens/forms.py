from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. \"meeting script\" or \"laptop\".",
        widget=forms.TextInput(attrs={"placeholder": "meeting script", "autocomplete": "off"}),
    )
