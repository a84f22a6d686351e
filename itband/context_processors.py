from django.conf import settings


def site(request) -> dict:
    return {"clinic_name": settings.CLINIC_NAME, "is_demo": not settings.PRODUCTION}
