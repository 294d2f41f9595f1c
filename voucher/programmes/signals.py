"""Signals the programme year sends, so the stages above it keep their year data without programmes
importing them."""

from django.dispatch import Signal

# Sent inside ``programme_year_copy``'s transaction after the year's own rules are copied, with
# ``source`` and ``copy`` (both ProgrammeYear): receivers copy the year data they keep (quota tiers).
programme_copied = Signal()
