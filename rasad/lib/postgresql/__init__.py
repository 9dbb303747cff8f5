"""Django's PostgreSQL backend with fast failure while the server is away and quick recovery
when it returns; ``ENGINE = "rasad.lib.postgresql"`` (set by ``rasad.env.database_from_url``)."""
