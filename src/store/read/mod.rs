//! Read models: what one part of iskra reads from several tables at once,
//! shaped for it. Nothing here writes. Where they read cards whole, they go
//! through the `cards` table's one row mapper.

pub mod card_info;
pub mod deck_export;
pub mod overview;
pub mod queue;
pub mod stats;
pub mod training;

#[cfg(test)]
mod tests {
    mod plans;
}
