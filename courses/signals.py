"""Signals of the courses app: `schools` refreshes its dashboards when progress moves; caches follow content."""

from django.dispatch import Signal

# Sent with `user` after progress is written in bulk (which sends no post_save), e.g. a guest's
# lessons carried into their account. Single writes send Django's own post_save.
progress_changed = Signal()

# Sent with `course` when anything in it changed (written with an UPDATE, which sends no post_save).
content_changed = Signal()
