"""What the panels and teaching tabs draw, built from a record in the worker (no Qt, no widgets).

Layer: above ``gradlab.core``, below the workers. Numpy (and torch, through the core functions)
only; every object here is plain, frozen data that crosses threads and processes.
"""
