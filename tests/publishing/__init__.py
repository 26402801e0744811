"""A publishable model that exists only in the tests: the proof that the publication
pipeline in ``portal/`` serves any app, not only the catalogue's documents."""
