//! Report pages under `/bao-cao/{office_id}/…`.

pub mod index766;
pub mod periodic;
