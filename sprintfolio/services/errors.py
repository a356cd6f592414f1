"""Errors of the service layer.

Hierarchy::

    ServiceError (ValueError)
    └── NotFoundError        a project or sprint that the caller named does not exist
"""


class ServiceError(ValueError):
    """A request to a service cannot be answered; the message names the value and the fix."""


class NotFoundError(ServiceError):
    """The project or sprint named by the caller does not exist."""
