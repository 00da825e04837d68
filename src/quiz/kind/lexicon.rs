//! The small curated word lists the classifier falls back on where an
//! answer's shape says nothing: the head nouns of organisations, events,
//! doctrines and works, a gazetteer of places, given names and the surnames
//! of the people history decks about the 20th century keep returning to,
//! and the words the question uses to ask for each kind. All lower case,
//! folded (no accents, no apostrophes); plural heads are matched singular.

/// The last word of an organisation's name or description (`the Communist
/// International`, `the early Soviet secret police`).
#[rustfmt::skip]
pub const ORGANISATION_HEADS: &[&str] = &[
    "international", "league", "movement", "party", "union", "unions", "organisation", "organization", "opposition",
    "group", "committee", "government", "socialist", "communist", "bolshevik", "menshevik", "anarchist",
    "syndicalist", "council", "soviet", "army", "cheka", "police", "comintern", "profintern", "federation",
    "confederation", "bureau", "entente", "white", "wing", "faction", "association", "society", "alliance",
    "politburo", "executive", "ministry", "parliament", "reichstag", "duma", "tcheka", "ogpu", "nkvd", "gpu",
    "narodnik",
];

/// Heads that make an organisation only in a proper name (`Haymarket Books`).
#[rustfmt::skip]
pub const ORGANISATION_NAME_HEADS: &[&str] = &[
    "books", "press", "publishers", "company", "bank", "university", "club", "left", "right", "centre",
];

/// The head noun of an event (`the Kronstadt rising`, `Lenin's death in 1924`).
#[rustfmt::skip]
pub const EVENT_HEADS: &[&str] = &[
    "revolution", "rising", "uprising", "revolt", "rebellion", "insurrection", "war", "battle", "congress",
    "conference", "coup", "putsch", "strike", "crisis", "death", "assassination", "murder", "famine", "march",
    "occupation", "purge", "terror", "election", "treaty", "massacre", "siege", "invasion", "mutiny", "armistice",
    "trial", "founding", "collapse", "defeat", "victory", "expulsion", "split", "merger", "surrender", "plenum",
    "congres", "offensive", "pogrom", "lockout", "meeting",
];

/// The head of a doctrine, policy or tactic (besides words in `-ism`).
#[rustfmt::skip]
pub const DOCTRINE_HEADS: &[&str] = &[
    "policy", "tactic", "doctrine", "theory", "front", "programme", "program", "communism", "socialism",
];

/// Words in -ism that name no doctrine.
#[rustfmt::skip]
pub const NOT_DOCTRINES: &[&str] = &[
    "criticism", "mechanism", "organism", "journalism", "tourism", "optimism", "pessimism", "cynicism", "heroism",
    "scepticism", "skepticism", "witticism", "baptism", "aphorism", "prism", "truism", "euphemism", "magnetism",
    "metabolism", "rheumatism", "alcoholism", "absenteeism",
];

/// Continents, regions and countries, folded; several words joined by spaces.
#[rustfmt::skip]
pub const REGIONS: &[&str] = &[
    "europe", "asia", "africa", "america", "americas", "scandinavia", "balkans", "caucasus", "siberia", "ukraine",
    "crimea", "catalonia", "bavaria", "prussia", "ruhr", "saxony", "baltic", "volga", "urals", "turkestan",
    "galicia", "silesia", "rhineland", "andalusia", "flanders", "manchuria", "russia", "ussr", "soviet union",
    "soviet russia", "germany", "france", "italy", "britain", "great britain", "england", "scotland", "wales",
    "ireland", "spain", "portugal", "belgium", "netherlands", "holland", "switzerland", "austria", "hungary",
    "czechoslovakia", "poland", "bulgaria", "romania", "yugoslavia", "serbia", "greece", "turkey", "finland",
    "sweden", "norway", "denmark", "estonia", "latvia", "lithuania", "china", "japan", "india", "persia", "iran",
    "egypt", "mexico", "canada", "united states", "usa", "georgia", "armenia", "azerbaijan", "luxembourg", "korea",
    "vietnam", "indochina", "cuba", "argentina", "brazil", "chile", "australia",
];

/// Cities, folded.
#[rustfmt::skip]
pub const CITIES: &[&str] = &[
    "moscow", "petrograd", "st petersburg", "saint petersburg", "petersburg", "leningrad", "kronstadt", "baku",
    "tiflis", "tbilisi", "kiev", "kyiv", "odessa", "kharkov", "kharkiv", "minsk", "tambov", "tsaritsyn",
    "stalingrad", "paris", "berlin", "vienna", "prague", "budapest", "warsaw", "rome", "milan", "turin", "naples",
    "london", "glasgow", "manchester", "dublin", "chicago", "new york", "washington", "tallinn", "reval", "riga",
    "helsinki", "stockholm", "oslo", "copenhagen", "zurich", "geneva", "zimmerwald", "kienthal", "brussels",
    "amsterdam", "hamburg", "munich", "dresden", "leipzig", "madrid", "barcelona", "lisbon", "constantinople",
    "istanbul", "beijing", "peking", "shanghai", "canton", "tokyo", "marseille", "lyon", "bordeaux", "sofia",
    "bucharest", "belgrade", "athens", "brest litovsk", "versailles", "mexico city",
];

/// Words that may stand before a place's name and keep it a place (`Eastern Europe`).
#[rustfmt::skip]
pub const PLACE_MODIFIERS: &[&str] = &[
    "southern", "northern", "eastern", "western", "central", "industrial", "soviet", "upper", "lower", "greater",
    "south", "north", "east", "west", "old", "new",
];

/// Given names.
#[rustfmt::skip]
pub const GIVEN_NAMES: &[&str] = &[
    "alfred", "leon", "lev", "grigory", "grigori", "karl", "victor", "john", "albert", "ian", "tony", "clara",
    "rosa", "errico", "louis", "arthur", "tamara", "jasmine", "marguerite", "earl", "william", "vladimir", "joseph",
    "josef", "nikolai", "nikolay", "nadezhda", "alexandra", "alexander", "aleksandr", "peter", "pyotr", "mikhail",
    "maxim", "leonid", "yakov", "felix", "georgy", "georg", "antonio", "amadeo", "giacinto", "benito", "franz",
    "friedrich", "heinrich", "otto", "paul", "rudolf", "ernst", "hugo", "jean", "jacques", "pierre", "marcel",
    "boris", "sergei", "sergey", "dmitri", "ivan", "anna", "maria", "marie", "mary", "james", "thomas", "george",
    "henry", "charles", "robert", "richard", "david", "michael", "daniel", "max", "simone", "emma", "eugene",
    "andre", "natalia", "natalya", "olga", "inessa", "angelica", "wilhelm", "walter", "edward", "harry", "ruth",
    "isaac", "ernest", "andres", "ho", "mao",
];

/// Surnames of people a history deck of the period keeps returning to.
#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    "lenin", "trotsky", "stalin", "zinoviev", "kamenev", "bukharin", "radek", "rosmer", "serge", "martov",
    "luxemburg", "liebknecht", "mussolini", "marx", "engels", "kollontai", "shlyapnikov", "miasnikov", "lozovsky",
    "antonov ovseenko", "serrati", "malatesta", "zetkin", "camus", "ransome", "birchall", "deutscher", "cliff",
    "reed", "browder", "foster", "fraina", "murphy", "gramsci", "bordiga", "kautsky", "bernstein", "plekhanov",
    "dzerzhinsky", "sverdlov", "kerensky", "kornilov", "denikin", "kolchak", "wrangel", "tukhachevsky", "frunze",
    "lunacharsky", "krupskaya", "rakovsky", "preobrazhensky", "pyatakov", "tomsky", "rykov", "hitler", "churchill",
    "wilson", "clemenceau", "ebert", "noske", "brandler", "thalheimer", "levi", "souvarine", "monatte", "frossard",
    "cachin", "tito", "gorky", "makhno", "kropotkin", "bakunin", "proudhon", "jaures", "guesde", "blum", "thorez",
    "maslow", "fischer", "thalmann", "sorel", "pannekoek", "gorter", "haywood", "debs",
];

/// Endings of Slavic surnames (`Miasnikov`, `Zinovyev`, `Lozovsky`).
#[rustfmt::skip]
pub const SURNAME_ENDINGS: &[&str] = &[
    "ov", "ev", "yev", "sky", "ski", "skaya", "enko", "vich", "ova", "eva", "ina", "shvili", "adze",
];

/// What a question asks for, by the noun after its interrogative (`which
/// city`, `what title`), folded and singular.
#[rustfmt::skip]
pub const ASKS_FOR_PLACE: &[&str] = &[
    "city", "country", "town", "port", "capital", "region", "province", "village", "place", "island", "river",
    "sea", "street", "continent", "state",
];
#[rustfmt::skip]
pub const ASKS_FOR_PERSON: &[&str] = &[
    "person", "man", "woman", "leader", "bolshevik", "revolutionary", "writer", "author", "comrade", "militant",
    "anarchist", "socialist", "communist", "syndicalist", "politician", "general", "delegate", "founder", "thinker",
    "historian", "translator", "member",
];
#[rustfmt::skip]
pub const ASKS_FOR_ORGANISATION: &[&str] = &[
    "organisation", "organization", "body", "party", "group", "union", "international", "league", "movement",
    "campaign", "committee", "government", "publisher", "association",
];
#[rustfmt::skip]
pub const ASKS_FOR_EVENT: &[&str] = &[
    "event", "rising", "revolt", "uprising", "disaster", "conference", "congress", "war", "battle", "crisis",
    "strike", "coup", "revolution",
];
#[rustfmt::skip]
pub const ASKS_FOR_WORK: &[&str] = &[
    "book", "title", "work", "journal", "magazine", "memoir", "novel", "paper", "newspaper", "pamphlet", "essay",
    "periodical", "review", "poem", "film", "song",
];

/// Words after which a phrase is prepositional (`In ruins`, `From abroad`).
#[rustfmt::skip]
pub const PREPOSITIONS: &[&str] = &[
    "in", "on", "by", "as", "from", "with", "without", "between", "inside", "outside", "after", "before", "over",
    "under", "through", "at", "into", "for", "toward", "towards", "among", "against", "during", "since", "until",
    "near", "behind", "within",
];

/// Words that open an adverbial answer (`Only by a ladder`, `Almost none`).
#[rustfmt::skip]
pub const ADVERBS: &[&str] = &[
    "only", "more", "less", "barely", "almost", "about", "somewhat", "roughly", "very", "too", "how", "just",
    "nearly", "hardly", "back", "far", "much", "still", "never", "always", "often", "rarely",
];

/// Words that open a clause as its subject.
#[rustfmt::skip]
pub const SUBJECTS: &[&str] = &[
    "it", "he", "she", "they", "we", "i", "you", "there", "everything", "nothing", "someone", "everyone", "nobody",
    "somebody",
];

/// Determiners that open a noun phrase.
#[rustfmt::skip]
pub const DETERMINERS: &[&str] = &[
    "a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "these", "those", "some", "any",
    "every", "each", "no", "many", "most", "all", "both", "several",
];

/// Verbs that make a phrase a clause (`His later visits were too short`).
#[rustfmt::skip]
pub const FINITE_VERBS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "had", "has", "have", "did", "does", "do", "would", "could", "should",
    "must", "can", "will", "may", "might", "seemed", "stood",
];

/// Words that may stand next to a year or date without making it something else.
#[rustfmt::skip]
pub const DATE_WORDS: &[&str] = &[
    "in", "early", "late", "mid", "around", "circa", "c", "year", "years", "spring", "summer", "autumn", "fall",
    "winter", "end", "beginning", "of", "to", "and", "from", "until", "till", "between", "by", "on", "the",
];

/// Words that qualify a number without being its unit (`About two decades`).
#[rustfmt::skip]
pub const APPROXIMATORS: &[&str] = &[
    "about", "around", "roughly", "some", "nearly", "almost", "over", "under", "more", "less", "than", "at",
    "least", "most", "approximately", "circa", "c", "just", "only", "exactly",
];

/// Words allowed in lower case inside a proper name (`Congress of the Peoples`).
#[rustfmt::skip]
pub const NAME_PARTICLES: &[&str] = &[
    "of", "de", "von", "van", "der", "la", "le", "du", "y", "and", "the", "al", "di", "da", "in", "to", "on", "for",
];
