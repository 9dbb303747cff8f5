"""Every state change of the core app. Views, serializers, commands and importers call these;
nothing else saves a core model."""
