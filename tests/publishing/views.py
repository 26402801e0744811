from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from portal.errors import error_response
from portal.publication import cached_page
from tests.publishing.models import Notice


@require_safe
def notice_detail(request, pk):
    return cached_page(request, lambda: _notice_detail(pk))


def _notice_detail(pk):
    notice = Notice.objects.published().filter(pk=pk).first()
    if notice is None:
        if Notice.objects.filter(pk=pk, is_live=False, withdrawn_at__isnull=False).exists():
            return error_response(410)
        raise Http404
    return HttpResponse(f"<h1>{notice.title}</h1>{notice.body}")
