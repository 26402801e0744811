"""Model fields for text that people type: cleaned on every write path (forms, imports,
commands), by the rules of ``portal.plaintext``."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

from portal.plaintext import clean_block, clean_line, normalise_line, validate_line


class TextFormField(forms.CharField):
    """Django's check for NUL is left out: a line names it (with any other control) in
    its own words, a block drops it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class LineFormField(TextFormField):
    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "strip": False})  # normalise_line trims, controls excepted
        self.validators.append(validate_line)

    def to_python(self, value):
        return normalise_line(super().to_python(value))


class BlockFormField(TextFormField):
    def to_python(self, value):
        return clean_block(super().to_python(value))


class LineField(models.CharField):
    """A single line: a title, a 文号, a name, keywords."""

    default_validators = [validate_line]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LineFormField, **kwargs})

    def pre_save(self, model_instance, add):
        # The last line of defence for writers that skip validation (commands, bulk
        # inserts): a value that cannot be a line is refused, never stored.
        value = clean_line(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class BlockField(models.TextField):
    """Multi-line plain text: a summary, an opinion, an address block."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BlockFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = clean_block(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
