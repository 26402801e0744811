"""Blocks that other apps add to an item's public page: a policy document's 相关解读 comes
from the interpretation app, which the catalogue does not know. An app registers from its
``AppConfig.ready()``::

    related.register(Document, interpretations_block)

where ``interpretations_block(item, request)`` returns rendered HTML (``render_to_string``)
or "" and reads what it needs in a fixed number of queries. The page's view puts
``related.blocks(item, request)`` in its context and its template shows them in order.
"""

from collections import defaultdict
from collections.abc import Callable

_providers: dict[type, list[Callable]] = defaultdict(list)


def register(model, provider: Callable) -> None:
    if provider not in _providers[model]:
        _providers[model].append(provider)


def blocks(item, request) -> list[str]:
    rendered = (provider(item, request) for provider in _providers[type(item)])
    return [html for html in rendered if html]
