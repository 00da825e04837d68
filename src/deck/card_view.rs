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
    /// The fact's hint when it was taken off `front` to be shown apart
    /// ([`CardView::with_hint_apart`]); none while it is part of `front`.
    pub hint: Option<String>,
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
            hint: None,
        }
    }

    /// The card with its fact's `hint` taken off the front, to be shown
    /// apart (on demand in a review).
    pub fn with_hint_apart(mut self, hint: Option<String>) -> CardView {
        if let Some(hint) = hint
            && let Some(front) = super::without_hint(&self.front, &hint)
        {
            self.front = front.to_string();
            self.hint = Some(hint);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_line_comes_off_the_front() {
        let card = |front: &str| CardView {
            card_id: 1,
            deck_id: 1,
            deck: "D".into(),
            fact_key: "f".into(),
            template: "basic".into(),
            front: front.into(),
            back: "A".into(),
            extra: None,
            state: "new",
            answer: "A".into(),
            alternatives: Vec::new(),
            tags: Vec::new(),
            hint: None,
        };
        let apart = card("alpha?\n(hint: the first)").with_hint_apart(Some("the first".into()));
        assert_eq!(
            (apart.front.as_str(), apart.hint.as_deref()),
            ("alpha?", Some("the first"))
        );
        let other = card("alpha?\n(hint: another)").with_hint_apart(Some("the first".into()));
        assert_eq!((other.front.as_str(), other.hint), ("alpha?\n(hint: another)", None));
        assert_eq!(card("beta?").with_hint_apart(None).front, "beta?");
    }
}
