"""Rounds (đợt): who must complete a course by when, how far each person is, and the unit reports.

The blueprint lives in `lms.rounds.routes` so that services elsewhere (learn, quiz, certificates) can
import `lms.rounds.cycle` and `lms.rounds.progress` without loading any view code.
"""
