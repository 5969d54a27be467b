"""gradlab: a desktop teaching lab for gradient descent.

Deliberately light: importing the package pulls in neither torch nor Qt.
"""

__version__ = "0.1.0"
