from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of ``settings``: every asset from this site only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = (
                settings.CONTENT_SECURITY_POLICY_ADMIN
                if admin
                else settings.CONTENT_SECURITY_POLICY
            )
        return response
