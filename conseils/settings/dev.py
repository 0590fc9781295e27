"""The embedded shape served by ``make run``: debug pages, console e-mail."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
