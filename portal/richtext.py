"""Sanitising rich text that clerks paste from word processors (documents, interpretations)."""

import html
import re

import nh3

from portal.plaintext import clean_block

# What a government document needs: headings, paragraphs, lists, tables, links, images.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "pre", "code", "hr", "span", "div",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    "a", "img", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "p": {"align", "class", "style"},
    "ol": {"start", "type"},
    **{f"h{level}": {"class", "style"} for level in range(2, 7)},
}
# Alignment of paragraphs and headings is stored as one class, which the editor writes and
# the site's stylesheets align: the public pages' Content-Security-Policy refuses style
# attributes. Word's and WPS's style="text-align:center" becomes that class; every other
# class and declaration (MsoNormal, mso-…, fonts) goes. Left is how text runs anyway.
ALIGNMENTS = {"left", "center", "right", "justify"}
ALIGNMENT_CLASSES = {f"align-{alignment}" for alignment in ALIGNMENTS - {"left"}}
_ALIGNABLE_TAG = re.compile(r'<(p|h[2-6])((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>')
_STYLE = re.compile(r' style="text-align: ([a-z]+)"')
# Images only as the editor inserts them: uploaded through portal.editor_uploads and served
# by this site. External, data: and file: sources (Word pastes file:///C:/…) are dropped
# with their <img>, since a public page must not load from elsewhere.
IMAGE_URL_PREFIX = "/uploads/images/"
IMAGE_SOURCE = re.compile(re.escape(IMAGE_URL_PREFIX) + r"[0-9a-f]{32}\.(?:png|jpg)")
# An <img> of sanitised markup: nh3 quotes every value with " and escapes " inside it.
IMAGE_TAG = re.compile(r'<img((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>')


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 also passes the generic lang and title through here: Word marks Chinese text
    # lang="EN-US" after a font choice, which makes screen readers use the wrong voice.
    if tag == "a" and attribute == "rel":
        return value  # nh3's own link_rel: it removes any rel the input had
    if attribute not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return None
    if attribute == "style":
        return _alignment_style(value)
    if attribute == "class":
        alignments = [name for name in value.split() if name in ALIGNMENT_CLASSES]
        return alignments[-1] if alignments else None
    if attribute == "align":
        return value.strip().lower() if value.strip().lower() in ALIGNMENTS else None
    if tag == "img" and attribute == "src":
        return value if IMAGE_SOURCE.fullmatch(value) else None
    if attribute in {"width", "height"}:
        return value if value.isdigit() else None
    return value


def _alignment_style(value: str) -> str | None:
    """``text-align: <center, right or justify>`` from a style attribute (the last
    declaration wins, as in CSS), or nothing; ``_alignment_as_class`` turns it into a class."""
    alignment = None
    for declaration in value.split(";"):
        name, _, setting = declaration.partition(":")
        setting = setting.strip().lower()
        if name.strip().lower() == "text-align" and setting in ALIGNMENTS:
            alignment = setting
    return f"text-align: {alignment}" if alignment and alignment != "left" else None


def _alignment_as_class(tag: re.Match) -> str:
    # Only _alignment_style's output can be a style here, and a value holds no '"' (see
    # IMAGE_TAG); a class already given wins.
    attributes = tag[2]
    style = _STYLE.search(attributes)
    if style is None:
        return tag[0]
    attributes = attributes[: style.start()] + attributes[style.end() :]
    if ' class="' not in attributes:
        attributes += f' class="align-{style[1]}"'
    return f"<{tag[1]}{attributes}>"


def _without_sourceless_images(markup: str) -> str:
    # ' src="' cannot occur inside a quoted value (see IMAGE_TAG): it is the attribute.
    return IMAGE_TAG.sub(lambda tag: tag[0] if ' src="' in tag[1] else "", markup)


def sanitize_html(value: str) -> str:
    """Remove scripts, event handlers, styles and unknown tags; keep the document's structure,
    the alignment of paragraphs and headings, and images served by this site (what the
    editor of ``portal.editor`` produces). Control characters and bidi overrides go too
    (``portal.plaintext.clean_block``)."""
    # Cleaned after nh3 as well: a character reference such as &#1; decodes to a control.
    cleaned = nh3.clean(
        clean_block(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    cleaned = _ALIGNABLE_TAG.sub(_alignment_as_class, _without_sourceless_images(cleaned))
    return clean_block(cleaned)


HTML_TAG = re.compile(r"<(p|br|div|table|h[2-6]|ul|ol|span|strong|em|a|img)\b", re.I)


def to_html(text: str) -> str:
    """Clean HTML from what a clerk typed or pasted: HTML stays HTML (sanitised), plain
    text becomes one paragraph per line."""
    text = text or ""
    return sanitize_html(text) if HTML_TAG.search(text) else plain_text_to_html(text)


def plain_text_to_html(text: str) -> str:
    """Paragraphs from plain text (one per non-empty line), escaped (the standard
    library's escape writes what Django's does, without the lazy-string wrapper that an
    import of many rows would pay for on every line)."""
    lines = clean_block(text).splitlines()
    return "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in lines if line.strip())


_BLOCK_END = re.compile(r"</(p|div|h[2-6]|li|tr|table|blockquote)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """Text of (already sanitised) HTML, one line per block. A regular expression
    suffices for nh3's output and is many times faster than an HTML parser, which
    matters when 100,000 documents are indexed."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", markup or ""))
    return html.unescape(text).strip()
