"""Signals other apps may listen to: `schools` refreshes its dashboards when a learner's progress moves."""

from django.dispatch import Signal

# Sent with `user` after progress is written in bulk (which sends no post_save), e.g. a guest's
# lessons carried into their account. Single writes send Django's own post_save.
progress_changed = Signal()
