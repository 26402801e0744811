from django import forms


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app; spaces people type are dropped."""

    token = forms.CharField(
        label="动态验证码",
        help_text="请输入身份验证器应用中显示的 6 位数字。",
        min_length=6,
        max_length=8,
        error_messages={
            "required": "请输入动态验证码。",
            "min_length": "动态验证码为 6 位数字。",
            "max_length": "动态验证码为 6 位数字。",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "size": 10,
            }
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isascii() or not token.isdigit():
            raise forms.ValidationError("动态验证码只能包含数字。", code="not_digits")
        if len(token) not in (6, 8):
            raise forms.ValidationError("动态验证码为 6 位数字。", code="length")
        return token
