"""The panel page of the updater: a thin Django app over the Django-free core in ``updater``.

It keeps no models: the core records every run in JSON files under the release root, which this
page reads, so a reload shows where an update stands even after a switch or a rollback.
"""
