"""Signals of the courses app: `schools` refreshes its dashboards when progress moves; caches follow content."""

from django.dispatch import Signal

# Sent with `user_id` whenever a learner's progress changed: a lesson read (or its completion
# removed), a quiz passed for the first time (or an attempt removed), progress written in bulk.
progress_changed = Signal()

# Sent with `course` when anything in it changed (written with an UPDATE, which sends no post_save).
content_changed = Signal()
