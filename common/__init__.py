"""Small tools every app may use: sanitised markdown, checked images.

This package is below every app (it imports none of them) and holds no models.
"""
