//! The classifier on answers of the bundled decks, labelled by hand as a
//! teacher would (what sort of thing each answer is), with the question and
//! tags each comes with: at least 90% must come out right.

use super::*;

/// (question, answer, tags, kind): a question for `basic` cards, none for
/// cloze deletions and sequence items (as the quiz classifies them).
const LABELLED: &[(Option<&str>, &str, &[&str], Kind)] = &[
    (None, "February", &["russia", "1917"], Kind::Month),
    (
        Some("Which regime did the first Russian revolution of 1917 bring down?"),
        "Tsarism",
        &["russia", "1917"],
        Kind::Doctrine,
    ),
    (
        Some("Which government did the second, more radical Russian revolution of 1917 overthrow?"),
        "The Provisional Government",
        &["russia", "1917"],
        Kind::Organisation,
    ),
    (
        Some(
            "Which years saw, according to the essay, the biggest sustained international working-class upsurge in history?",
        ),
        "1918 to 1921",
        &["upsurge", "labour"],
        Kind::Period,
    ),
    (
        Some("When did strike levels across countries finally subside after the postwar upsurge?"),
        "1921–1922",
        &["upsurge", "labour"],
        Kind::Period,
    ),
    (
        Some("What was the first thing Europe's rulers did to ride out the revolutionary storm?"),
        "Isolate Russia and crush it militarily",
        &["counterrevolution", "europe"],
        Kind::Phrase,
    ),
    (None, "in name only", &["russia", "war-communism"], Kind::Phrase),
    (
        Some("According to Rosmer, who forced war communism on Soviet Russia?"),
        "The Whites and the Entente",
        &["russia", "war-communism"],
        Kind::Organisation,
    ),
    (
        Some("Which policy did the Soviet regime pull back from in 1921–1922?"),
        "War communism",
        &["russia", "war-communism", "nep"],
        Kind::Doctrine,
    ),
    (
        Some("What does NEP stand for?"),
        "New Economic Policy",
        &["russia", "nep"],
        Kind::Doctrine,
    ),
    (
        Some("In which year did the Kronstadt rising take place?"),
        "1921",
        &["russia", "kronstadt"],
        Kind::Year,
    ),
    (
        Some("What kind of interpretation of the Kronstadt rebellion does Rosmer criticise as crude?"),
        "A \"workerist\" interpretation",
        &["russia", "kronstadt"],
        Kind::Phrase,
    ),
    (
        Some("Which disaster of 1921–1922 made Russia's recovery from the civil war harder?"),
        "Famine",
        &["russia", "famine"],
        Kind::Event,
    ),
    (
        Some("In what state, for Rosmer, had the civil war left Russia?"),
        "In ruins",
        &["russia", "civil-war"],
        Kind::Phrase,
    ),
    (
        Some("Which disease, in epidemics following the World War and the civil war, killed millions?"),
        "Typhus",
        &["russia", "epidemics"],
        Kind::Phrase,
    ),
    (
        Some("In which city did the Congress of the Peoples of the East meet?"),
        "Baku",
        &["comintern", "baku", "east"],
        Kind::Place,
    ),
    (
        Some("Why did founding a Third International seem natural to revolutionaries?"),
        "The Second International's betrayal",
        &["comintern"],
        Kind::Phrase,
    ),
    (
        Some("Which proposal, unlike founding a Third International, divided revolutionaries?"),
        "A new trade union international",
        &["comintern", "trade-unions"],
        Kind::Organisation,
    ),
    (
        Some("According to a reader, which American body's early line was shaped by the union debates Rosmer reports?"),
        "The Trade Union Educational League",
        &["trade-unions", "usa"],
        Kind::Organisation,
    ),
    (
        Some("According to a reader, which British body was shaped by the union debates Rosmer reports?"),
        "The National Minority Movement",
        &["trade-unions", "britain"],
        Kind::Organisation,
    ),
    (
        Some("Which tactic arose as the revolutionary tide began to ebb?"),
        "The united front",
        &["comintern", "tactics", "united-front"],
        Kind::Doctrine,
    ),
    (
        Some("Whose theory was the united front, according to the newspaper review?"),
        "Trotsky's",
        &["comintern", "tactics", "united-front", "trotsky"],
        Kind::Person,
    ),
    (
        Some("According to a reader, from which current did most of the young French Communist Party come?"),
        "The left wing of the Socialist Party",
        &["french-party"],
        Kind::Organisation,
    ),
    (
        Some("What did many leaders of the new French Communist Party prefer to do, as Rosmer saw it in 1921?"),
        "Scheme behind the scenes",
        &["french-party"],
        Kind::Phrase,
    ),
    (
        Some(
            "What name is given to the process, from 1924, of imposing Moscow's line uncritically on foreign Communist parties?",
        ),
        "Bolshevization",
        &["comintern", "degeneration"],
        Kind::Phrase,
    ),
    (
        Some("According to Birchall, which idea had nobody yet thought of in Lenin's Moscow?"),
        "Socialism in one country",
        &["comintern", "stalin"],
        Kind::Doctrine,
    ),
    (
        Some("After which year did international revolution come second to building up power in Russia?"),
        "1924",
        &["comintern", "degeneration"],
        Kind::Year,
    ),
    (None, "four", &["comintern", "congresses"], Kind::Number),
    (None, "rote learning", &["comintern", "congresses"], Kind::Phrase),
    (
        Some("At which Comintern congress did Lenin make his final speech to the International?"),
        "The Fourth Congress",
        &["comintern", "congresses", "lenin"],
        Kind::Event,
    ),
    (
        None,
        "13 November 1922",
        &["comintern", "congresses", "lenin"],
        Kind::Date,
    ),
    (None, "June 1924", &["comintern", "congresses"], Kind::Date),
    (None, "1922", &["italy", "fascism"], Kind::Year),
    (None, "Mussolini", &["italy", "fascism"], Kind::Person),
    (
        Some("What was happening to capitalism internationally in 1923, as the essay describes it?"),
        "It seemed to be stabilising",
        &["europe", "1923"],
        Kind::Phrase,
    ),
    (
        Some("In which country did the biggest defeat of 1923 come?"),
        "Germany",
        &["germany", "1923"],
        Kind::Place,
    ),
    (
        Some("Which two countries occupied the Ruhr in 1923?"),
        "France and Belgium",
        &["germany", "1923", "ruhr"],
        Kind::Place,
    ),
    (None, "January", &["germany", "1923"], Kind::Month),
    (None, "hyperinflation", &["germany", "1923"], Kind::Phrase),
    (None, "October", &["russia", "1917"], Kind::Month),
    (
        Some("Before autumn 1923, on how many earlier occasions had Germany come close to revolution?"),
        "Four",
        &["germany", "upsurge"],
        Kind::Number,
    ),
    (
        Some("What was the last of Germany's near-revolutions before 1923?"),
        "March 1921",
        &["germany", "upsurge"],
        Kind::Date,
    ),
    (
        None,
        "incapacitated",
        &["russia", "1923", "lenin", "trotsky"],
        Kind::Phrase,
    ),
    (None, "January 1924", &["russia", "lenin", "1924"], Kind::Date),
    (
        None,
        "Ruhr crisis in Germany",
        &["comintern", "1923", "chronology"],
        Kind::Event,
    ),
    (
        None,
        "Bulgarian coup",
        &["comintern", "1923", "chronology"],
        Kind::Event,
    ),
    (None, "Lenin's death", &["comintern", "1923", "chronology"], Kind::Event),
    (
        Some("What kind of government did the Bulgarian coup of 1923 overthrow?"),
        "A peasant government",
        &["bulgaria", "1923"],
        Kind::Phrase,
    ),
    (None, "September 1923", &["bulgaria", "1923"], Kind::Date),
    (
        Some("Besides the socialists, which two movements did the First World War split?"),
        "The syndicalists and the anarchists",
        &["war", "syndicalism", "anarchism"],
        Kind::Organisation,
    ),
    (
        Some(
            "Besides the united front, what did the Comintern argue over in Rosmer's account, as the newspaper review notes?",
        ),
        "Reformism",
        &["comintern", "debates"],
        Kind::Doctrine,
    ),
    (
        Some("In which present-day campaign does the newspaper reviewer see the united-front idea at work?"),
        "Stand Up To Racism",
        &["united-front", "review"],
        Kind::Organisation,
    ),
    (
        Some("Which two kinds of decision does Rosmer try to tell apart?"),
        "Honest mistakes and opportunist choices",
        &["comintern", "judgement"],
        Kind::Phrase,
    ),
    (
        Some("When did Rosmer leave France for Russia?"),
        "Early 1920",
        &["journey", "chronology"],
        Kind::Year,
    ),
    (
        Some("Besides defeated and victor states, what third kind of state did Rosmer's route let him see?"),
        "Newly independent states",
        &["journey", "europe"],
        Kind::Phrase,
    ),
    (None, "Catalonia", &["journey", "route"], Kind::Place),
    (None, "Paris", &["journey", "route"], Kind::Place),
    (None, "Tallinn", &["journey", "route"], Kind::Place),
    (None, "Petrograd", &["journey", "route"], Kind::Place),
    (
        Some("What lingering danger at sea made reaching Russia risky in these years?"),
        "Mines in the Baltic",
        &["journey", "baltic", "blockade"],
        Kind::Phrase,
    ),
    (
        Some("How did most revolutionaries have to travel to and from Russia in 1920–1924?"),
        "More or less clandestinely",
        &["journey"],
        Kind::Phrase,
    ),
    (
        Some("Where on the Baltic boat were the American and the Briton whom Rosmer met there sleeping?"),
        "In the ship's coal bunker",
        &["journey", "baltic", "fraina", "murphy"],
        Kind::Phrase,
    ),
    (None, "passports", &["journey", "borders"], Kind::Phrase),
    (
        Some(
            "Besides the blockade and the curbing of black-market profiteers, what third cause lay behind the new border controls?",
        ),
        "Nationalism",
        &["journey", "borders"],
        Kind::Doctrine,
    ),
    (
        Some("According to Rosmer, in which countries did chauvinism seem most intense?"),
        "The smallest ones",
        &["journey", "borders", "nationalism"],
        Kind::Phrase,
    ),
    (
        Some(
            "Reaching the Russian border through the blockade, where did Rosmer and the other delegates run to celebrate?",
        ),
        "The guard hut",
        &["journey", "border"],
        Kind::Phrase,
    ),
    (
        Some(
            "Where did the backing for the counterrevolution Russia was fighting in 1920 come from, according to the essay?",
        ),
        "From abroad",
        &["russia", "civil-war"],
        Kind::Phrase,
    ),
    (None, "black bread", &["russia", "daily-life", "hunger"], Kind::Phrase),
    (None, "millet", &["russia", "daily-life", "hunger"], Kind::Phrase),
    (
        Some("What does Rosmer say was absent from the sharing out of scarce goods in Moscow at this time?"),
        "Any hierarchy",
        &["moscow", "daily-life"],
        Kind::Phrase,
    ),
    (
        Some("What had the ground floor of the house where Rosmer found Trotsky recovering become?"),
        "A museum",
        &["moscow", "trotsky"],
        Kind::Phrase,
    ),
    (
        Some("What continuing threat to travellers did Rosmer find in the south?"),
        "Banditry",
        &["baku", "journey"],
        Kind::Phrase,
    ),
    (None, "disease", &["baku", "daily-life"], Kind::Phrase),
    (
        Some("In which year was Alfred Rosmer born?"),
        "1877",
        &["rosmer", "biography"],
        Kind::Year,
    ),
    (
        Some("Into what kind of family was Alfred Rosmer born?"),
        "A worker's family",
        &["rosmer", "biography"],
        Kind::Phrase,
    ),
    (
        Some("What job did Rosmer hold for a short time, according to the essay?"),
        "Minor civil servant",
        &["rosmer", "biography"],
        Kind::Phrase,
    ),
    (
        Some("Which political current first attracted Rosmer, before syndicalism?"),
        "Anarchism",
        &["rosmer", "biography", "anarchism"],
        Kind::Doctrine,
    ),
    (
        None,
        "syndicalism",
        &["rosmer", "biography", "syndicalism"],
        Kind::Doctrine,
    ),
    (None, "France", &["rosmer", "biography", "syndicalism"], Kind::Place),
    (
        Some("In which month and year was Rosmer conscripted into the French army?"),
        "May 1915",
        &["rosmer", "biography", "ww1"],
        Kind::Date,
    ),
    (
        Some("Which antiwar conference could Rosmer not attend because he had been conscripted?"),
        "The Zimmerwald conference",
        &["rosmer", "ww1", "zimmerwald"],
        Kind::Event,
    ),
    (None, "Switzerland", &["ww1", "zimmerwald"], Kind::Place),
    (None, "September 1915", &["ww1", "zimmerwald"], Kind::Date),
    (
        Some("Why was Rosmer expelled from the French Communist Party?"),
        "He resisted Moscow dictating the party's line",
        &["rosmer", "french-party"],
        Kind::Phrase,
    ),
    (
        Some("After his expulsion, which opposition current did Rosmer side with?"),
        "The Left Opposition",
        &["rosmer", "left-opposition"],
        Kind::Organisation,
    ),
    (
        Some("Roughly how long did Rosmer live on after the Second World War?"),
        "About two decades",
        &["rosmer", "biography"],
        Kind::Number,
    ),
    (
        Some("Which imperialism did Rosmer attack in his years after the Second World War?"),
        "French imperialism",
        &["rosmer", "biography"],
        Kind::Doctrine,
    ),
    (
        Some("Over how many decades did Rosmer's life as a militant stretch?"),
        "Seven",
        &["rosmer", "biography"],
        Kind::Number,
    ),
    (
        Some("Which French syndicalist magazine did Rosmer help to keep alive in hard times?"),
        "La Vie ouvrière",
        &["rosmer", "syndicalism"],
        Kind::Work,
    ),
    (
        Some("Of which body's executive committee was Rosmer a member in Moscow?"),
        "The Communist International",
        &["rosmer", "comintern"],
        Kind::Organisation,
    ),
    (
        Some("Besides the Comintern, which international body did Rosmer help to found and build up in Moscow?"),
        "The Red International of Trade Unions",
        &["rosmer", "trade-unions"],
        Kind::Organisation,
    ),
    (
        Some("In whose headquarters did Rosmer work in Moscow?"),
        "The All Russian Congress of Trade Unions",
        &["rosmer", "moscow", "trade-unions"],
        Kind::Organisation,
    ),
    (
        Some("What smell filled the Moscow building where Rosmer worked?"),
        "Fish soup",
        &["rosmer", "moscow", "daily-life"],
        Kind::Phrase,
    ),
    (None, "June 1920", &["rosmer", "moscow", "chronology"], Kind::Date),
    (
        Some("In which three years did Rosmer return to Russia after his long first stay?"),
        "1922, 1923 and 1924",
        &["rosmer", "chronology"],
        Kind::Year,
    ),
    (
        Some(
            "Through which small Paris émigré group had Rosmer known Russian revolutionaries before and during the war?",
        ),
        "Nashe Slovo",
        &["rosmer", "exile"],
        Kind::Organisation,
    ),
    (
        Some("Where did Rosmer meet Trotsky after reaching Soviet Russia?"),
        "In a former rich merchant's house",
        &["rosmer", "trotsky", "moscow"],
        Kind::Phrase,
    ),
    (
        Some("Which two Bolsheviks were, for Rosmer, the political giants?"),
        "Lenin and Trotsky",
        &["rosmer", "lenin", "trotsky"],
        Kind::Person,
    ),
    (
        Some("Which founder of a socialist organisation did Rosmer meet on a visit to Britain?"),
        "Tony Cliff",
        &["rosmer", "britain"],
        Kind::Person,
    ),
    (
        Some("Rosmer reviewed Tony Cliff's book on which region?"),
        "Eastern Europe",
        &["rosmer", "britain"],
        Kind::Place,
    ),
    (
        Some(
            "In 1923, whose house was Rosmer leaving when, as a reader tells it, he stumbled on a secret Politburo meeting?",
        ),
        "Zinoviev's",
        &["rosmer", "zinoviev", "1923"],
        Kind::Person,
    ),
    (
        Some("How large a place does Stalin take in Rosmer's memoir?"),
        "Almost none",
        &["rosmer", "stalin"],
        Kind::Phrase,
    ),
    (
        Some(
            "According to Rosmer, who in 1923–1924 believed, besides Stalin himself, that Stalin could aim for first place?",
        ),
        "No one",
        &["rosmer", "stalin", "1923"],
        Kind::Phrase,
    ),
    (
        Some("Which year does Rosmer see as decisive, when the revolution's balance began to tip?"),
        "1923",
        &["rosmer", "degeneration", "1923"],
        Kind::Year,
    ),
    (
        Some("Which rising did, according to Rosmer, every enemy of the Bolsheviks hurry to join?"),
        "The Kronstadt rising",
        &["rosmer", "kronstadt", "1921"],
        Kind::Event,
    ),
    (
        Some("In which year was the first French edition of Lenin's Moscow published?"),
        "1953",
        &["book", "editions"],
        Kind::Year,
    ),
    (
        Some(
            "Which writer, on the book's first appearance, spoke of the difficulty of watching a revolution go astray while still believing it necessary?",
        ),
        "Albert Camus",
        &["book", "camus"],
        Kind::Person,
    ),
    (
        Some("About how many decades after the events did Rosmer write Lenin's Moscow?"),
        "Three",
        &["book"],
        Kind::Number,
    ),
    (
        Some("Whose account of revolutionary Russia did Rosmer want to match in immediacy?"),
        "Arthur Ransome's",
        &["book", "ransome"],
        Kind::Person,
    ),
    (None, "Six Weeks in Russia", &["book", "ransome"], Kind::Work),
    (None, "1919", &["book", "ransome"], Kind::Year),
    (
        Some("Who translated the current English edition of Lenin's Moscow?"),
        "Ian Birchall",
        &["book", "editions", "birchall"],
        Kind::Person,
    ),
    (
        Some("Under what title did the earlier English edition of Rosmer's memoir appear?"),
        "Moscow Under Lenin",
        &["book", "editions"],
        Kind::Work,
    ),
    (
        Some("Who wrote the introduction to the earlier English edition of Rosmer's memoir?"),
        "Tamara Deutscher",
        &["book", "editions"],
        Kind::Person,
    ),
    (None, "Haymarket Books", &["book", "editions"], Kind::Organisation),
    (None, "Chicago", &["book", "editions"], Kind::Place),
    (None, "2016", &["book", "editions"], Kind::Year),
    (
        Some("According to the newspaper review, with which event does the memoir's account end?"),
        "Lenin's death in 1924",
        &["book", "chronology"],
        Kind::Event,
    ),
    (
        Some("Of which Comintern congress did Rosmer write \"It was Moscow without Lenin\"?"),
        "The Fifth Congress",
        &["book", "comintern", "1924"],
        Kind::Event,
    ),
    (
        Some("Which journal's special issue (vol. 7 no. 4, 2000) collects Rosmer's writings in English?"),
        "Revolutionary History",
        &["book", "rosmer", "writings"],
        Kind::Work,
    ),
    (
        Some(
            "Chapters of which book by Rosmer were translated into English for a special journal issue of his writings in 2000?",
        ),
        "The Workers Movement During the War",
        &["rosmer", "writings", "ww1"],
        Kind::Work,
    ),
    (
        Some(
            "Whose writings, besides Alfred's, appear in the 2000 English collection \"From Syndicalism to Trotskyism\"?",
        ),
        "Marguerite Rosmer",
        &["rosmer", "writings"],
        Kind::Person,
    ),
    (
        Some("How long did Rosmer's first journey to Russia in 1920 take?"),
        "Six weeks",
        &["journey", "1920"],
        Kind::Number,
    ),
    (None, "typhus", &["reed", "baku", "1920"], Kind::Phrase),
    (
        Some(
            "In the First World War, which camp of the French Left did Rosmer belong to, one he later showed to be isolated?",
        ),
        "The antiwar Left",
        &["rosmer", "biography", "war"],
        Kind::Organisation,
    ),
    (
        Some("Which two Western currents does Rosmer proudly count among the first to rally to the revolution?"),
        "Syndicalists and anarchists",
        &["rosmer", "syndicalism", "anarchism"],
        Kind::Organisation,
    ),
    (
        Some("From how many countries does Lenin's Moscow portray leading figures of the left?"),
        "Six",
        &["book", "people"],
        Kind::Number,
    ),
    (
        Some("Who reviewed Lenin's Moscow for the socialist paper?"),
        "Jasmine Fischer",
        &["book", "review"],
        Kind::Person,
    ),
    (
        Some(
            "Which Bolshevik leader remarked that the whirlwind before October drew those seeking a way out into the Bolshevik orbit?",
        ),
        "Lenin",
        &["lenin", "1917"],
        Kind::Person,
    ),
    (
        Some("Which organisation led by Trotsky merged with the Bolsheviks in summer 1917?"),
        "The Petersburg Inter-District organisation",
        &["trotsky", "1917"],
        Kind::Organisation,
    ),
    (
        Some("Who led the Left Opposition?"),
        "Leon Trotsky",
        &["trotsky", "left-opposition"],
        Kind::Person,
    ),
    (
        Some("Which book does a reader recommend as Trotsky's best account of the Stalinist degeneration?"),
        "The Revolution Betrayed",
        &["trotsky", "books"],
        Kind::Work,
    ),
    (
        Some("What is the title of Trotsky's own memoir?"),
        "My Life",
        &["trotsky", "books"],
        Kind::Work,
    ),
    (
        Some(
            "From which Trotsky book did the reading group's introducer take their picture of the revolution in their Trotskyist years?",
        ),
        "History of the Russian Revolution",
        &["trotsky", "books"],
        Kind::Work,
    ),
    (
        None,
        "Antonov-Ovseenko",
        &["trotsky", "antonov-ovseenko", "lozovsky", "exile"],
        Kind::Person,
    ),
    (
        None,
        "Lozovsky",
        &["trotsky", "antonov-ovseenko", "lozovsky", "exile"],
        Kind::Person,
    ),
    (None, "Zinoviev", &["zinoviev", "radek", "bukharin"], Kind::Person),
    (None, "Radek", &["zinoviev", "radek", "bukharin"], Kind::Person),
    (None, "Bukharin", &["zinoviev", "radek", "bukharin"], Kind::Person),
    (
        Some("In the mid-1920s Rosmer briefly considered Zinoviev more dangerous than whom?"),
        "Stalin",
        &["zinoviev", "stalin"],
        Kind::Person,
    ),
    (
        Some("Which three Bolshevik leaders did Rosmer see arriving as he left an old friend's house in 1923?"),
        "Bukharin, Kamenev and Stalin",
        &["bukharin", "kamenev", "stalin", "1923"],
        Kind::Person,
    ),
    (
        Some(
            "According to a reader, what were the Politburo members whose secret 1923 meeting Rosmer glimpsed plotting?",
        ),
        "To isolate Trotsky",
        &["stalin", "trotsky", "1923"],
        Kind::Phrase,
    ),
    (None, "Kommunist", &["radek", "1918"], Kind::Work),
    (None, "Left Communists", &["radek", "1918"], Kind::Organisation),
    (
        Some("What was the opposition group of Shlyapnikov and Kollontai called?"),
        "The Workers' Opposition",
        &["shlyapnikov", "kollontai", "opposition"],
        Kind::Organisation,
    ),
    (
        None,
        "semi-lethargy",
        &["shlyapnikov", "kollontai", "trade-unions"],
        Kind::Phrase,
    ),
    (
        Some(
            "Whose Workers Group does a reading-group comrade credit, alongside the Democratic Centralists, with seeing the reaction of 1921 as it happened?",
        ),
        "Miasnikov's",
        &["miasnikov", "opposition"],
        Kind::Person,
    ),
    (
        Some(
            "Which Italian socialist leader, as Rosmer records, said the movement had the strength and the only problem was how to use it?",
        ),
        "Serrati",
        &["serrati", "italy"],
        Kind::Person,
    ),
    (
        Some(
            "Which Italian anarchist warned that failing to seize the favourable moment would later cost tears of blood?",
        ),
        "Errico Malatesta",
        &["malatesta", "anarchism", "italy"],
        Kind::Person,
    ),
    (
        Some("Alongside several anarchists, which woman does Rosmer portray vividly, according to the essay?"),
        "Clara Zetkin",
        &["zetkin"],
        Kind::Person,
    ),
    (
        Some("From which country did John Reed, Earl Browder and William Foster come?"),
        "The United States",
        &["reed", "browder", "foster", "usa"],
        Kind::Place,
    ),
    (
        Some("Which American socialist did Rosmer meet on a boat in the Baltic?"),
        "Louis Fraina",
        &["fraina", "usa"],
        Kind::Person,
    ),
    (
        Some("Which British trade union militant did Rosmer meet on a boat in the Baltic?"),
        "J. T. Murphy",
        &["murphy", "britain"],
        Kind::Person,
    ),
    (None, "Stalinism", &["militants"], Kind::Doctrine),
    (None, "fascism", &["militants"], Kind::Doctrine),
    (None, "centre", &["militants"], Kind::Phrase),
    (
        Some("Which organisation did Tony Cliff found?"),
        "The International Socialists",
        &["cliff", "britain"],
        Kind::Organisation,
    ),
    (
        Some("Whose memoir does the essay judge deeper than Rosmer's?"),
        "Victor Serge's",
        &["serge", "books"],
        Kind::Person,
    ),
    (
        Some("To which Russian movement did Victor Serge's émigré parents belong?"),
        "The Narodnik movement",
        &["serge", "biography"],
        Kind::Organisation,
    ),
    (
        Some("In which country did Victor Serge grow up?"),
        "Belgium",
        &["serge", "biography"],
        Kind::Place,
    ),
    (None, "anarchist", &["serge", "biography", "anarchism"], Kind::Phrase),
    (
        Some("Which French movement besides the anarchists had Serge been close to before the revolution?"),
        "The anarcho-syndicalist movement",
        &["serge", "anarchism", "france"],
        Kind::Organisation,
    ),
    (
        Some("Where was Serge when the First World War broke out?"),
        "In a French prison",
        &["serge", "biography", "prison", "ww1"],
        Kind::Phrase,
    ),
    (
        Some("Under what arrangement did Serge leave France for Russia?"),
        "A prisoner exchange",
        &["serge", "biography"],
        Kind::Phrase,
    ),
    (
        Some("Which work of Lenin's did Serge take at face value before joining the Bolsheviks?"),
        "State and Revolution",
        &["serge", "lenin"],
        Kind::Work,
    ),
    (
        Some("Which party did Serge join in Russia?"),
        "The Bolsheviks",
        &["serge", "biography"],
        Kind::Organisation,
    ),
    (
        Some("What was Serge's best-known role in the Communist International?"),
        "Journalist",
        &["serge", "comintern"],
        Kind::Phrase,
    ),
    (None, "Martov", &["serge", "generation"], Kind::Person),
    (None, "Luxemburg", &["serge", "generation"], Kind::Person),
    (
        Some("Which measure's revival did Serge strongly oppose?"),
        "The death penalty",
        &["serge", "opposition"],
        Kind::Phrase,
    ),
    (
        Some("Which revolt's crushing did Serge oppose?"),
        "The Kronstadt revolt",
        &["serge", "opposition", "kronstadt"],
        Kind::Event,
    ),
    (
        Some(
            "Whose phrase \"old muck\" does the reading group use for the rotten legacy of the old society rising in a revolution?",
        ),
        "Marx's",
        &["serge", "ideas", "marx"],
        Kind::Person,
    ),
    (
        Some("Where, for Serge, did the struggle between old and new reach its highest point?"),
        "Inside the Bolshevik party",
        &["serge", "ideas"],
        Kind::Phrase,
    ),
    (
        Some("What was the Cheka?"),
        "The early Soviet secret police",
        &["serge", "cheka"],
        Kind::Organisation,
    ),
    (
        Some("For what purpose did the growing prison system later supply slave labour?"),
        "To industrialise the northern regions",
        &["serge", "prisons"],
        Kind::Phrase,
    ),
    (None, "party loyalty", &["serge", "ideas", "party"], Kind::Phrase),
    (
        Some("What corollary does the reading group attach to Stalin's \"socialism in one country\"?"),
        "Socialism nowhere else",
        &["serge", "stalin"],
        Kind::Doctrine,
    ),
    (
        Some("In which month and year did Radek write the warning quoted in the reading group?"),
        "April 1918",
        &["radek", "1918"],
        Kind::Date,
    ),
    (
        Some("The founding of which International did Serge oppose?"),
        "The Fourth International",
        &["serge", "trotsky"],
        Kind::Organisation,
    ),
    (
        Some("When did Serge break politically with Trotsky?"),
        "In the late 1930s",
        &["serge", "trotsky"],
        Kind::Date,
    ),
    (
        Some("To which month and year does Serge date the Soviet \"Thermidor\"?"),
        "November 1927",
        &["serge", "thermidor"],
        Kind::Date,
    ),
    (
        Some("Which two compromised Bolsheviks did Serge strive not to end up like, according to the reviewer?"),
        "Bukharin and Zinoviev",
        &["serge", "bukharin", "zinoviev"],
        Kind::Person,
    ),
    (
        Some("In which two countries did Serge end up after his release from the Soviet Union?"),
        "Belgium and France",
        &["serge", "biography"],
        Kind::Place,
    ),
    (
        Some("In which book does Serge reconstruct 1917, a year his memoirs miss because he reached Russia later?"),
        "Year One of the Revolution",
        &["serge", "books", "1917"],
        Kind::Work,
    ),
    (None, "NEP", &["serge-group", "degeneration", "1921"], Kind::Doctrine),
    (
        Some("Which group posted the reading-group discussion of Serge's memoirs in December 2021?"),
        "AngryWorkersWorld",
        &["serge-group"],
        Kind::Organisation,
    ),
    (
        Some(
            "Before 1917, where did Russian revolutionaries expect the help socialism in backward Russia needed to come from?",
        ),
        "Industrial Europe",
        &["russia", "socialism"],
        Kind::Place,
    ),
    (
        Some("How did some reading-group comrades characterise November 1917?"),
        "As a coup",
        &["russia", "1917", "debate"],
        Kind::Phrase,
    ),
    (
        Some("When, according to one comrade, did Soviet state capitalism reach its peak?"),
        "After the first Five-Year Plan",
        &["ussr", "state-capitalism"],
        Kind::Phrase,
    ),
    (
        Some("Where did the Left Opposition first take shape, before spreading to the Comintern?"),
        "In the Russian Communist Party",
        &["left-opposition"],
        Kind::Phrase,
    ),
    (
        Some("Despite disagreeing about the state, what was Serge, like other militant anarchists, drawn to?"),
        "The Soviet experiment",
        &["anarchism"],
        Kind::Phrase,
    ),
    (
        Some("With which event does the reviewer date the real start of Serge's political maturity?"),
        "The October 1917 revolution",
        &["serge", "biography"],
        Kind::Event,
    ),
    (
        Some("What does the reviewer call Serge's memoir, urging people to read it?"),
        "A political textbook",
        &["book", "review"],
        Kind::Phrase,
    ),
];

#[test]
fn the_classifier_is_right_on_nine_in_ten_labelled_answers() {
    assert!(LABELLED.len() >= 60, "{} labelled answers", LABELLED.len());
    let wrong: Vec<String> = LABELLED
        .iter()
        .filter_map(|(question, answer, tags, want)| {
            let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
            let got = classify(*question, answer, &tags).kind;
            (got != *want).then(|| format!("{answer:?}: {got:?}, labelled {want:?}"))
        })
        .collect();
    let right = LABELLED.len() - wrong.len();
    eprintln!("classifier: {right}/{} right\n{}", LABELLED.len(), wrong.join("\n"));
    assert!(
        right * 10 >= LABELLED.len() * 9,
        "{right}/{} right; wrong:\n{}",
        LABELLED.len(),
        wrong.join("\n")
    );
}

#[test]
fn forms_within_a_kind() {
    let class = |q: Option<&str>, a: &str| classify(q, a, &[]);
    assert_eq!(class(Some("Whose theory was it?"), "Trotsky's").form, Form::Possessive);
    assert_eq!(class(None, "Bukharin, Kamenev and Stalin").form, Form::List(3));
    assert_eq!(class(None, "Six weeks").form, Form::Unit("week".into()));
    assert_eq!(class(None, "About two decades").form, Form::Unit("decade".into()));
    assert_eq!(
        class(Some("Over how many decades did it stretch?"), "Seven").form,
        Form::Unit("decade".into())
    );
    assert_eq!(class(None, "13 November 1922").form, Form::Pattern("D M Y".into()));
    assert_eq!(class(None, "Early 1920").form, Form::Pattern("early Y".into()));
    assert_eq!(class(None, "In the late 1930s").kind, Kind::Date);
    assert_eq!(class(None, "1918 to 1921").kind, Kind::Period);
    let opening = |a: &str| class(Some("How was it?"), a).form;
    assert_eq!(opening("That he must be a Jew"), Form::Phrase(Opening::That));
    assert_eq!(opening("To isolate Trotsky"), Form::Phrase(Opening::Infinitive));
    assert_eq!(
        opening("In ruins"),
        Form::Phrase(Opening::Prepositional(Relation::Place))
    );
    assert_eq!(
        opening("After the first Five-Year Plan"),
        Form::Phrase(Opening::Prepositional(Relation::Time))
    );
    assert_eq!(
        opening("As a coup"),
        Form::Phrase(Opening::Prepositional(Relation::Manner))
    );
    assert_eq!(opening("Reviving old ways"), Form::Phrase(Opening::Gerund));
    assert_eq!(opening("Journalist"), Form::Phrase(Opening::Word));
    assert_eq!(
        class(Some("What did it get?"), "Lavish praise, gentle criticism").kind,
        Kind::Phrase
    );
    assert_eq!(
        class(
            Some("Which view of the revolution's degeneration does it reject?"),
            "That it was inevitable"
        )
        .kind,
        Kind::Phrase
    );
    assert_eq!(opening("Only by a ladder"), Form::Phrase(Opening::Adverbial));
    assert_eq!(opening("They were a disappointment"), Form::Phrase(Opening::Clause));
    assert_eq!(
        opening("His later visits were too short"),
        Form::Phrase(Opening::Clause)
    );
    assert_eq!(opening("A worker's family"), Form::Phrase(Opening::NounPhrase));
    assert_eq!(opening("Fish soup"), Form::Phrase(Opening::Bare));
    assert_eq!(class(None, "incapacitated").form, Form::Phrase(Opening::Participle));
    assert_eq!(class(None, "Who led it?").form, Form::Phrase(Opening::Question));
}
