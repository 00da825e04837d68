//! A card as sessions show it: its text, its deck's name and its state,
//! read from the collection's card row. Quizzes ask it, reviews show it.

use crate::store::CardRow;

/// A card as shown: what the learner sees and what a quiz checks.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    pub card_id: i64,
    pub deck_id: i64,
    pub deck: String,
    pub fact_key: String,
    pub template: String,
    pub front: String,
    pub back: String,
    pub extra: Option<String>,
    pub state: &'static str,
    /// The short expected answer (what quizzes check).
    pub answer: String,
    /// The fact's accepted alternatives and its tags.
    pub alternatives: Vec<String>,
    pub tags: Vec<String>,
}

impl CardView {
    /// The card of `card`'s row, in the deck named `deck`.
    pub fn of(card: &CardRow, deck: &str) -> CardView {
        CardView {
            card_id: card.id,
            deck_id: card.deck_id,
            deck: deck.to_string(),
            fact_key: card.fact_key.clone(),
            template: card.template.clone(),
            front: card.front.clone(),
            back: card.back.clone(),
            extra: card.extra.clone(),
            state: card.schedule.state.name(),
            answer: card.answer.clone(),
            alternatives: card.alternatives.clone(),
            tags: card.tags.clone(),
        }
    }
}
