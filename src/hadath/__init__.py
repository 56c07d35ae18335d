"""hadath: extract conflict events from Arabic news with transformer taggers."""

__version__ = "0.1.0"
