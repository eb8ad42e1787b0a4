//! What an answer cost: a per-model price table in USD per million tokens (input, output),
//! matched by the longest model-name prefix, so dated versions (`gpt-4o-2024-08-06`,
//! `claude-3-5-sonnet-20241022`) find their family. Local models (Ollama) and unknown models
//! cost 0 — better an honest 0 than a guess.

/// `(model prefix, USD per 1M input tokens, USD per 1M output tokens)`, list prices of the
/// providers' pricing pages.
const PRICES: &[(&str, f64, f64)] = &[
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.00, 8.00),
    ("gpt-5-nano", 0.05, 0.40),
    ("gpt-5-mini", 0.25, 2.00),
    ("gpt-5", 1.25, 10.00),
    ("o4-mini", 1.10, 4.40),
    ("o3", 2.00, 8.00),
    ("claude-3-5-haiku", 0.80, 4.00),
    ("claude-3-haiku", 0.25, 1.25),
    ("claude-haiku-4", 1.00, 5.00),
    ("claude-3-5-sonnet", 3.00, 15.00),
    ("claude-3-7-sonnet", 3.00, 15.00),
    ("claude-sonnet-4", 3.00, 15.00),
    ("claude-opus-4", 15.00, 75.00),
];

/// USD per million tokens for `model`, if the table knows it.
pub fn price(model: &str) -> Option<(f64, f64)> {
    let model = model.trim().to_ascii_lowercase();
    PRICES
        .iter()
        .filter(|(prefix, _, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _, _)| prefix.len())
        .map(|&(_, input, output)| (input, output))
}

/// The cost of an answer in USD, rounded to a millionth of a dollar.
pub fn cost_usd(model: &str, tokens_in: u64, tokens_out: u64) -> f64 {
    let Some((input, output)) = price(model) else {
        return 0.0;
    };
    let cost = (tokens_in as f64 * input + tokens_out as f64 * output) / 1_000_000.0;
    (cost * 1_000_000.0).round() / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_unknown_models_are_free() {
        assert_eq!(price("gpt-4o-mini-2024-07-18"), Some((0.15, 0.60)));
        assert_eq!(price("gpt-4o-2024-08-06"), Some((2.50, 10.00)));
        assert_eq!(cost_usd("gpt-4o", 1000, 500), 0.0075);
        assert_eq!(cost_usd("claude-3-5-sonnet-20241022", 2000, 1000), 0.021);
        assert_eq!(cost_usd("llama3.2", 1000, 1000), 0.0);
    }
}
