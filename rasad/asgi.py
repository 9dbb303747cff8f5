"""The ASGI entry point (``rasad serve --interface asgi``, for streaming responses), loaded whole
before the worker serves (``rasad.lib.warmup``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
application = get_asgi_application()

from rasad.lib.warmup import warm_up  # noqa: E402

warm_up()
