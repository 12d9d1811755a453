"""Bring a person to a certificate quickly in tests."""
from lms.quiz import services as quiz
from tests.quiz_helpers import read_all, right_answers


def pass_quiz(user, course):
    read_all(user, course)
    attempt = quiz.start_attempt(user, course)
    quiz.save_answers(user.id, attempt.id, right_answers(quiz.load_attempt(user.id, attempt.id)))
    return quiz.finish_attempt(user.id, attempt.id)
