"""Word lists and message templates of the simulated scenario.

Every name here is invented: first and last names are common given names and
surnames combined at random, parties and places are fictional, and no list
holds the name of a real politician. The campaign's narratives paraphrase the
public reporting quoted in ``THREAT-MODEL.md`` ("a critic in Vancouver accuses
MP X of corruption", "see what an individual in Vancouver is saying").
"""

from __future__ import annotations

FIRST_EN = (
    "Aaron", "Abigail", "Adam", "Alice", "Amanda", "Andrew", "Angela", "Ben", "Beth", "Brian",
    "Carla", "Carl", "Chloe", "Colin", "Dana", "Derek", "Diane", "Ethan", "Emma", "Fiona",
    "Gavin", "Grace", "Heather", "Ian", "Isla", "Jack", "Janet", "Jason", "Karen", "Keith",
    "Laura", "Liam", "Megan", "Mark", "Nadia", "Neil", "Olivia", "Owen", "Paula", "Quinn",
    "Rachel", "Ross", "Sandra", "Scott", "Tara", "Trevor", "Una", "Victor", "Wendy", "Wyatt",
)
FIRST_FR = (
    "Amélie", "André", "Béatrice", "Benoît", "Camille", "Claude", "Denise", "Didier", "Élise",
    "Étienne", "Francine", "Gaëtan", "Geneviève", "Gilles", "Hélène", "Hugues", "Isabelle",
    "Jacques", "Josée", "Luc", "Lucie", "Manon", "Marc-André", "Martine", "Mathieu", "Nathalie",
    "Olivier", "Pascale", "Philippe", "Réjean", "Sylvie", "Sébastien", "Thérèse", "Yannick",
)
LAST_EN = (
    "Abbott", "Ainsworth", "Barlow", "Bramley", "Calloway", "Carrick", "Dunmore", "Ellery",
    "Fairholm", "Garvey", "Hadley", "Hollins", "Kettering", "Langford", "Lockhart", "Marlowe",
    "McAllister", "Norcott", "Oakes", "Pembrook", "Quarry", "Radley", "Sallow", "Thorne",
    "Underhill", "Varley", "Whitcombe", "Yardley", "Brennan", "Cormack", "Delaney", "Fenwick",
)
LAST_FR = (
    "Arsenault", "Beaulieu", "Bélanger", "Brisebois", "Charbonneau", "Desrosiers", "Dufresne",
    "Gagné", "Lachapelle", "Lafleur", "Laliberté", "Marchand", "Ouellette", "Paquin", "Rivard",
    "Sauvageau", "Thibodeau", "Vaillancourt", "Vézina", "Brassard", "Corriveau", "Lévesque",
)
#: Pinyin-style given names and surnames for some campaign personas.
FIRST_ZH = ("Wei", "Jing", "Hao", "Lan", "Ming", "Yun", "Xin", "Bo", "Tao", "Hui", "Lei", "Fang")
LAST_ZH = ("Zhang", "Wang", "Li", "Zhao", "Chen", "Yang", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma")
#: Transliterated Bengali names shown by hijacked accounts before their rename.
FIRST_BN = ("Rahim", "Karim", "Sumon", "Tanvir", "Nusrat", "Farhana", "Arif", "Rafiq", "Mitu", "Sabbir")
LAST_BN = ("Uddin", "Hossain", "Ahmed", "Rahman", "Islam", "Akter", "Chowdhury", "Mia", "Sarkar")

PARTIES = (
    "Northern Alliance Party", "Maple Progressive Party", "Parti de l'Avenir",
    "Coastal Green Movement", "Prairie Reform League", "Union des Régions",
)
RIDINGS = (
    "Lakeview", "Cedar Hills", "Rivière-du-Nord", "Pine Bay", "Harbourside", "Mont-Clair",
    "Westvale", "Saint-Anselme", "Granite Falls", "Bellemarée", "Kingsford", "Aspen Ridge",
)

ORGANIC_GENERIC = {
    "en": ("Thank you!", "Well said", "Agreed", "👍", "Thanks for your work", "Great news",
           "So true", "Exactly", "Well done", "Congratulations!", "❤️", "👏👏", "Agreed 100%",
           "Thank you for standing up for us", "Good job", "Yes!"),
    "fr": ("Merci!", "Bravo", "Bien dit", "D'accord", "👍", "Merci pour votre travail",
           "Excellent", "Félicitations!", "Tout à fait", "Bravo 👏", "Enfin!", "Merci beaucoup"),
}
TOPICS = {
    "en": ("housing", "the carbon tax", "grocery prices", "health care wait times", "transit",
           "the wildfire response", "dental care", "interest rates", "pensions", "child care",
           "rural internet", "the ferry service", "the new bridge", "small business taxes",
           "the rent cap", "long-term care", "the fishing quota", "student loans"),
    "fr": ("le logement", "la taxe carbone", "le prix de l'épicerie", "l'attente à l'urgence",
           "le transport en commun", "les feux de forêt", "les soins dentaires", "les taux d'intérêt",
           "les pensions", "les garderies", "l'internet en région", "le traversier",
           "le nouveau pont", "les PME", "les loyers", "les CHSLD", "les prêts étudiants"),
}
OPINION = {
    "en": (
        "What about {t}? My family in {r} still waits for answers.",
        "I disagree. {T} is getting worse every month and this plan does nothing.",
        "Finally someone talks about {t}. Keep pushing.",
        "With respect, your party voted against the motion on {t}.",
        "How will this help people in {r} with {t}?",
        "This is just spin. Ask anyone in {r} about {t}.",
        "Good start but {t} needs real money, not announcements.",
        "My neighbours and I wrote to your office about {t} in June and heard nothing.",
        "Numbers please. How much of the budget goes to {t}?",
        "I voted for you but {t} is a mess. Fix it.",
        "People in {r} care more about {t} than photo ops.",
        "Can you explain the delay on {t}? It has been two years.",
    ),
    "fr": (
        "Et {t}? Ma famille à {r} attend toujours des réponses.",
        "Je ne suis pas d'accord. {T}, c'est pire chaque mois.",
        "Enfin quelqu'un parle de {t}. Continuez!",
        "Avec respect, votre parti a voté contre la motion sur {t}.",
        "Comment ça aide les gens de {r} avec {t}?",
        "Encore des belles paroles. Demandez aux gens de {r} pour {t}.",
        "Bon début, mais {t} demande du vrai financement.",
        "On a écrit à votre bureau au sujet de {t} en juin, aucune réponse.",
        "J'ai voté pour vous mais {t}, c'est un fouillis.",
        "Pouvez-vous expliquer le retard pour {t}? Ça fait deux ans.",
    ),
}
MP_POSTS = {
    "en": (
        "Great to meet families in {r} today to talk about {t}.",
        "Today I spoke in the House about {t}. Our community deserves better.",
        "Proud to announce new funding for {t} in {r}.",
        "Thank you to the volunteers in {r} who made this weekend a success!",
        "Town hall on {t} next Thursday in {r}. All welcome.",
    ),
    "fr": (
        "Belle rencontre avec les familles de {r} aujourd'hui au sujet de {t}.",
        "Aujourd'hui j'ai pris la parole à la Chambre sur {t}.",
        "Fier d'annoncer du financement pour {t} à {r}.",
        "Merci aux bénévoles de {r} pour cette belle fin de semaine!",
        "Assemblée publique sur {t} jeudi prochain à {r}. Bienvenue à tous.",
    ),
}

#: The campaign's narrative templates: the same item in English, French and
#: Chinese. ``{mp}`` is the targeted member's name.
NARRATIVES = (
    {"en": "A critic in Vancouver accuses {mp} of corruption and abuse of power. See what an individual in Vancouver is saying about {mp}!",
     "fr": "Un critique de Vancouver accuse {mp} de corruption et d'abus de pouvoir. Voyez ce qu'un individu de Vancouver dit de {mp}!",
     "zh": "温哥华一位批评者指控{mp}腐败和滥用职权。看看温哥华的一个人是怎么说{mp}的！"},
    {"en": "See what an individual in Vancouver is saying about {mp}. The video exposes the scandal nobody wants you to see.",
     "fr": "Voyez ce qu'un individu de Vancouver dit à propos de {mp}. La vidéo révèle le scandale qu'on vous cache.",
     "zh": "看看温哥华的一个人是怎么评价{mp}的。这段视频揭露了没人想让你看到的丑闻。"},
    {"en": "{mp} has been accused of criminal and ethical violations by a critic in Vancouver. Canadians deserve the truth!",
     "fr": "{mp} est accusé de violations criminelles et éthiques par un critique de Vancouver. Les Canadiens méritent la vérité!",
     "zh": "{mp}被温哥华的一位批评者指控违法和违反道德。加拿大人应该知道真相！"},
    {"en": "Watch the video: a man in Vancouver reveals how {mp} took bribes and lied to voters.",
     "fr": "Regardez la vidéo : un homme de Vancouver révèle comment {mp} a accepté des pots-de-vin et menti aux électeurs.",
     "zh": "观看视频：温哥华一名男子揭露{mp}如何收受贿赂并欺骗选民。"},
    {"en": "Why is {mp} silent? A critic in Vancouver has evidence of corruption. Share before it is deleted!",
     "fr": "Pourquoi {mp} se tait-il? Un critique de Vancouver a des preuves de corruption. Partagez avant la suppression!",
     "zh": "{mp}为什么保持沉默？温哥华的批评者掌握了腐败证据。在被删除之前转发！"},
    {"en": "{mp} must answer the accusations from Vancouver. Scandal, corruption and lies, all on video.",
     "fr": "{mp} doit répondre aux accusations venues de Vancouver. Scandale, corruption et mensonges, tout est filmé.",
     "zh": "{mp}必须回应来自温哥华的指控。丑闻、腐败和谎言，全都有视频为证。"},
)
#: The planted intimidation message (doxxing with a home address).
THREAT = {
    "en": "We know where you live, {mp}: {address}. Stop lying or you and your family will regret it.",
    "fr": "On sait où vous habitez, {mp} : {address}. Arrêtez de mentir ou votre famille le regrettera.",
}
CAMPAIGN_HASHTAGS = ("#Vancouver", "#Canada", "#corruption", "#truth", "#cdnpoli", "#scandal", "#exposed")
FILLER = {
    "en": ("Beautiful sunset by the lake today", "Morning hike, fresh air", "What a match last night!",
           "Homemade dumplings for dinner", "My cat sleeping in the sun", "Autumn leaves are coming",
           "Best noodles in town", "Weekend basketball with friends", "The mountains are so quiet today"),
    "zh": ("今天的日落真美", "早上去爬山，空气很好", "昨晚的比赛太精彩了", "晚饭自己包饺子",
           "小猫在晒太阳", "秋天快到了", "这家面馆太好吃了", "周末和朋友打篮球", "山里今天很安静"),
}
FILLER_EMOJI = ("🌅", "🏔️", "⚽", "🥟", "🐱", "🍂", "🍜", "🏀", "🌸", "☕")
#: Earlier, pre-hijack history of hijacked accounts (Bengali and English).
HIJACK_HISTORY = {
    "bn": ("আজ খুব সুন্দর দিন", "ক্রিকেট খেলা দেখছি বন্ধুদের সাথে", "শুভ সকাল সবাইকে", "ঈদ মোবারক",
           "বৃষ্টির দিনে চা", "আমাদের গ্রামের নদী"),
    "en": ("Watching cricket with friends", "Good morning everyone", "Happy Eid to all",
           "Rainy day tea time", "Beautiful river in our village"),
}
SPAM = (
    "🚀 Turn $250 into $5,000 in one week with {coin}! DM me or visit {url} #crypto #bitcoin",
    "🚀 Turn $250 into $5000 in ONE week with {coin}!! Visit {url} #crypto #bitcoin",
    "Made $5,000 this week with {coin} 🚀 join now {url} #crypto #bitcoin",
)
SPAM_COINS = ("MapleCoin", "NorthToken", "LoonieX")
SUPPORTER_REPLIES = ("Well said", "Well said!", "Bravo", "Bravo!", "Well said 👏", "Exactly right",
                     "Bravo {first}!", "Well said {first}", "👏👏👏", "Right on")
STREETS = ("Maple Street", "Birch Avenue", "Rue des Érables", "Lakeshore Road", "Cedar Crescent")
CITIES_EN = ("Toronto", "Ottawa", "Vancouver", "Calgary", "Halifax", "Winnipeg", "Victoria", "Kelowna")
CITIES_FR = ("Montréal", "Québec", "Gatineau", "Sherbrooke", "Trois-Rivières", "Moncton")
BIO_WORDS = ("Dad", "Mom", "Hockey fan", "Teacher", "Nurse", "Retired", "Coffee lover", "Gardener",
             "Engineer", "Proud Canadian", "Runner", "Bookworm", "Fier Québécois", "Enseignante",
             "Amateur de plein air", "Views are my own")

#: Names that must never appear in the scenario (real politicians).
REAL_NAME_BLOCKLIST = ("Trudeau", "Poilievre", "Alghabra", "Singh", "Freeland", "Chong", "Kwan", "May", "Blanchet")
