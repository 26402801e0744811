"""portal.antiabuse.refresh_challenge: the one way both public forms (mailbox letters,
disclosure applications) ask a new question when they are shown again."""

from django import forms
from django.core import signing

from portal import antiabuse


class Form(forms.Form):
    name = forms.CharField()
    captcha = forms.CharField()
    captcha_token = forms.CharField()


def test_a_bound_form_keeps_what_was_typed_but_gets_a_new_question_and_no_answer():
    form = Form({"name": "王五", "captcha": "12", "captcha_token": "old"})
    challenge = antiabuse.refresh_challenge(form, namespace="applications")
    assert form.data["name"] == "王五"
    assert form.data["captcha"] == ""
    assert form.data["captcha_token"] == challenge.token != "old"
    # Signed for its own form only: the mailbox's salt does not read it.
    signing.loads(challenge.token, salt="applications.captcha")
    try:
        signing.loads(challenge.token, salt="mailbox.captcha")
    except signing.BadSignature:
        pass
    else:
        raise AssertionError("a challenge must be bound to its namespace")


def test_an_unbound_form_starts_with_the_new_token():
    form = Form()
    challenge = antiabuse.refresh_challenge(form)
    assert form.initial["captcha_token"] == challenge.token
    signing.loads(challenge.token, salt=f"{antiabuse.CAPTCHA_NAMESPACE}.captcha")
