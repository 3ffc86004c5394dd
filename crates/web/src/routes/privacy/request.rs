//! Personal data pages: request.
