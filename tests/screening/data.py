"""Synthetic titles for screening tests (made up; DOIs under the 10.5555 test prefix)."""

from screening.models import Stage

TA = Stage.TITLE_ABSTRACT
FT = Stage.FULL_TEXT

TITLES = [
    "Autologous fat grafting for atrophic acne scars: a randomised trial",
    "Fractional carbon dioxide laser resurfacing in Asian skin",
    "Platelet-rich plasma injections for knee osteoarthritis",
    "Cognitive behavioural therapy for insomnia in adolescents",
    "Mediterranean diet and cardiovascular events in older adults",
    "Acupuncture for chronic low back pain: a pragmatic trial",
    "Mindfulness-based stress reduction for nurses",
    "Vitamin D supplementation and fracture risk",
]
