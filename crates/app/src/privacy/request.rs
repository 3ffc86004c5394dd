//! Personal data: request.
