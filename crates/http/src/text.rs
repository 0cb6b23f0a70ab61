//! Text and number input for every resource: the rules live with the use cases' inputs
//! (`samhandling_usecases::input`), so a request body, the demo data and the contract share them.

pub use samhandling_usecases::input::*;
