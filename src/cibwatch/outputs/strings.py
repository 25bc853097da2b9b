"""The fixed text of the briefs and case reports, in English and French.

Keys with ``{placeholders}`` are filled by :func:`cibwatch.outputs.i18n.t`;
both languages must have the same keys and placeholders (tested).
"""

from __future__ import annotations

EN: dict[str, str] = {
    # --- brief ------------------------------------------------------------
    "title": "Briefing: coordinated comments aimed at you",
    "subject": "Coordinated inauthentic comments targeting {name}",
    "greeting": "Dear {name},",
    "intro": "Our monitoring found a network of accounts acting together to post comments aimed at you. "
    "This note says what reached you, since when and how much, whether your safety is threatened and how we "
    "assessed it, and what you can do.",
    "what": "What reached you",
    "reached": "Between {since} and {until}, {accounts} accounts of this network posted {posts} messages aimed at you "
    "on {platforms}.",
    "how_reached": "How they reached you",
    "peak": "The busiest day was {date}: {posts} messages from the network, where you usually receive about {usual} a day.",
    "network": "What the network is",
    "network_size": "The network has {accounts} accounts in total and aimed its messages at {targets} people on our "
    "watch list, including you. Its accounts post the same or translated messages within minutes of one another, "
    "in {langs}.",
    "network_state": "Its pattern matches state-run networks: {signs}.",
    "network_unattributed": "We do not say who runs it.",
    "reached_day": "On {date}, {accounts} accounts of this network posted {posts} messages aimed at you on {platforms}.",
    "finding": "That these accounts act together is what we established, with evidence. Whether they belong to a "
    "known network is a separate question, answered with its own evidence.",
    "known_link": "They share indicators with a network already documented publicly: {names}.",
    "no_known_link": "We found no link to a network already documented publicly.",
    "examples": "Examples of messages you received",
    "original": "original message",
    "level": "Threat level",
    "level_safety": "At least one message threatens your safety (see below). Contact your local police and the "
    "parliamentary security office now.",
    "level_harassment": "No threat to your safety was found. The messages are harassment: accusations and insults.",
    "level_nuisance": "No threat to your safety was found. The messages are a nuisance: spam and coordinated posting.",
    "level_none": "No threat was found.",
    "level_unknown": "The threat level was not assessed for this run.",
    "how": "How the threat was assessed",
    "checked_intro": "We checked {n} messages directed at you in this period (replies, mentions and comments under "
    "your posts): {campaign} from the network and {others} from other accounts (by language: {langs}). We looked for:",
    "matched": "What matched",
    "nothing_matched": "No message matched any of these checks.",
    "level_rule": "The level is the most severe check that matched. Without any match it is “nuisance” when the "
    "network reached you, and “none” otherwise.",
    "flagged": "Messages that tripped a safety check",
    "actions": "What you can do",
    "a1": "Protect your accounts: turn on two-factor authentication and review who has admin access to your pages.",
    "a2": "Report the accounts to the platform; a referral package is available from your security contact.",
    "a3": "Keep records: do not delete the comments before they have been archived.",
    "a4": "If a message threatens your safety, contact your local police and your parliamentary security office.",
    "reference": "Reference: run {run}; network {campaigns}. Prepared with cibwatch on {date}.",
    # --- lists and labels ----------------------------------------------------
    "and": "and",
    "messages_n": "{n} messages",
    "messages_1": "1 message",
    "posts_word": "posts",
    "reply": "replies to your posts",
    "mention": "mentions of your account",
    "thread": "comments under your posts",
    "none": "none",
    "safety": "safety threat",
    "harassment": "harassment",
    "nuisance": "nuisance",
    "not_assessed": "not assessed",
    # --- report ----------------------------------------------------------------
    "r_title": "Case report: campaign {cid}",
    "r_meta": "Run {run} · generated {date} · TLP:AMBER (share with those who need it to act)",
    "r_contents": "Contents",
    "h_summary": "Summary",
    "h_score": "Score and how it is computed",
    "h_timeline": "Timeline",
    "h_hours": "Hour of day: Ottawa vs Beijing",
    "h_network": "Network",
    "h_narratives": "Narratives",
    "h_targets": "Targets",
    "h_accounts": "Accounts",
    "h_evidence": "Evidence",
    "h_disarm": "DISARM techniques",
    "h_method": "Method and parameters",
    "s_what": "Between {first} and {last}, {accounts} accounts on {platforms} posted {posts} messages; {directed} of them "
    "were aimed at {targets} people on the watch list.",
    "s_top": "Most targeted: {names}.",
    "s_langs": "Languages of the messages: {langs}.",
    "s_history": "Another {posts} posts by {accounts} of these accounts, from {first} to {last} ({langs}), predate the "
    "campaign: the accounts’ earlier life. They are counted apart.",
    "s_finding": "Finding: coordinated inauthentic behaviour",
    "s_coordinated": "{pairs} pairs of these accounts acted together (replying to the same posts, posting the same or "
    "translated messages, pushing the same links) more often than chance allows; two accounts typically acted "
    "{gap} apart.",
    "s_not_coordinated": "No coordination beyond chance was established for this group.",
    "s_state": "Classification: state-style. Besides the coordination, the campaign shows {n} of the {total} signs "
    "seen in state-run networks:",
    "s_unattributed": "Classification: unattributed coordination. The campaign shows {n} state-style sign(s); {min} "
    "are needed to call it state-style. No claim is made about who runs it.",
    "s_separation": "Coordinated inauthentic behaviour is a finding with evidence; linked to a known network is a "
    "separate claim with its own evidence.",
    "s_link": "Linked to a known network: {name} ({case}), link score {score}, through shared {shared}. The link "
    "score is not part of the campaign score.",
    "s_no_link": "No link to a known network: none of the {n} cases in the case library shares enough indicators "
    "with this campaign.",
    "s_no_cases": "The case library is empty, so no link to a known network was looked for.",
    "score_line": "Score: {score} out of 1.",
    "score_formula": "score = 1 − Π(1 − wᵢ) over the campaign’s evidence weights wᵢ (noisy-OR, Pearl 1988). Each "
    "weight is how much one observation would establish on its own: a cap per kind of evidence times the measured "
    "strength. The link to a known network is not part of the score.",
    "score_calc": "Here: 1 − {factors} = {score}.",
    "c_kind": "Evidence",
    "c_weight": "Weight wᵢ",
    "c_cap": "Cap",
    "c_miss": "1 − wᵢ",
    "tl_caption": "Messages per day (UTC), {first} to {last}. Dark red: burst days, when volume is above the "
    "campaign’s usual daily volume by a robust z-score over {z}. Shaded: public holidays and long weekends.",
    "tl_no_bursts": "No burst day.",
    "tl_caption_plain": "Messages per day (UTC), {first} to {last}. Shaded: public holidays and long weekends.",
    "score_none": "No evidence rows are stored for this campaign; the score shown is the one stored with it.",
    "c_date": "Date",
    "c_weekday": "Weekday",
    "c_posts": "Messages",
    "c_z": "z",
    "c_holiday": "Holiday or long weekend",
    "tb_title": "Burst days per target (the day’s messages against the person’s usual volume from other accounts)",
    "c_target": "Person",
    "c_campaign_posts": "From the campaign",
    "c_organic_posts": "From others",
    "c_usual": "Usual per day",
    "hours_caption": "Messages per hour of local time ({n} messages of the campaign period). Ottawa: America/Toronto "
    "(UTC−4 in summer); Beijing: Asia/Shanghai (UTC+8). Outlined: weekday office hours in Beijing (09:00–12:00, "
    "14:00–18:00).",
    "net_caption": "{accounts} accounts; {pairs} pairs acting together beyond chance (lines, thicker for more shared "
    "actions{capped}). Layout: Fruchterman–Reingold, seeded with the run seed {seed}.",
    "net_capped": "; the {n} strongest pairs are drawn",
    "legend_hijack": "hijacked",
    "legend_batch": "created in a batch",
    "legend_other": "other",
    "strongest": "Strongest pairs",
    "c_a": "Account A",
    "c_b": "Account B",
    "c_shared": "Shared actions",
    "c_expected": "Expected by chance",
    "c_q": "q-value",
    "c_gap": "Typical gap",
    "n_clusters": "Messages repeated across accounts (text clusters)",
    "c_message": "Message",
    "c_langs": "Language(s)",
    "c_accounts": "Accounts",
    "n_repeated": "Most repeated messages per language",
    "n_terms": "Key terms (TF-IDF against all messages of the period)",
    "n_names": "People named",
    "n_domains": "Websites",
    "n_mentions": "Accounts mentioned",
    "n_none": "None.",
    "c_role": "Role",
    "c_party": "Party",
    "c_how": "How",
    "c_level": "Threat level",
    "t_assess": "Threat assessment per person",
    "t_checks": "Every message directed at each person in the period (from the campaign and from anyone else) was "
    "checked for: {checks}. {rule}",
    "c_checked": "Messages checked (campaign / others)",
    "c_matched": "What matched",
    "how_reply": "replies",
    "how_mention": "mentions",
    "how_thread": "comments under their posts",
    "tl_more": "{n} burst days in all; the {k} strongest are listed.",
    "e_links": "Links pushed, grouped by page (defanged: not clickable)",
    "c_account": "Account",
    "c_created": "Created",
    "c_followers": "Followers",
    "c_indicators": "Indicators",
    "c_score": "Score",
    "i_batch": "batch of {n} created {date}",
    "i_handle": "formulaic handle",
    "i_schedule": "office schedule {tz}",
    "i_hijack": "hijacked (was {old})",
    "i_hijack_plain": "hijacked",
    "i_low_reach": "no audience",
    "i_partners": "acts with {n} others",
    "i_known": "in known case",
    "e_campaign": "Campaign-level evidence",
    "c_what": "What was observed",
    "c_links": "Posts",
    "e_examples": "Examples of coordinated actions (post pairs and time gaps)",
    "c_object": "Shared object",
    "c_post_a": "Post A",
    "c_post_b": "Post B",
    "e_accounts": "Account-level evidence ({n} accounts: hijacked, office-schedule and known-network accounts first, "
    "then the highest scores)",
    "e_attribution": "Attribution claim (separate from the score)",
    "c_id": "ID",
    "c_technique": "Technique",
    "c_evidence": "Supported by",
    "countermeasures": "Countermeasures to ask of platforms",
    "m_run": "Run",
    "m_seed": "Seed",
    "m_version": "cibwatch version",
    "m_started": "Started",
    "m_finished": "Finished",
    "m_detection": "Detection parameters",
    "m_assessment": "Assessment parameters",
    "m_summary": "Run summary",
    "m_data": "Data in the store",
    "m_method": "Accounts are linked when they act on the same objects (posts, accounts, links, messages) within "
    "the time window more often than a null model allows (Benjamini–Hochberg q-value); campaigns are Leiden "
    "communities of the significant links. The assessment adds account indicators, the schedule, bursts, threats "
    "and links to known networks, each as an evidence row.",
    "m_details": "Evidence texts are written by the assessment stage in English.",
    "yes": "yes",
    "no": "no",
}

FR: dict[str, str] = {
    "title": "Note d’information : commentaires coordonnés vous visant",
    "subject": "Commentaires inauthentiques coordonnés visant {name}",
    "greeting": "Bonjour {name},",
    "intro": "Notre veille a repéré un réseau de comptes qui agissent ensemble pour publier des commentaires vous "
    "visant. Cette note indique ce qui vous a atteint, depuis quand et en quelle quantité, si votre sécurité est "
    "menacée et comment nous l’avons évalué, et ce que vous pouvez faire.",
    "what": "Ce qui vous a atteint",
    "reached": "Du {since} au {until}, {accounts} comptes de ce réseau ont publié {posts} messages vous visant sur "
    "{platforms}.",
    "how_reached": "Comment ils vous ont atteint",
    "peak": "La journée la plus chargée a été le {date} : {posts} messages du réseau, alors que vous en recevez "
    "habituellement environ {usual} par jour.",
    "network": "Le réseau",
    "network_size": "Le réseau compte {accounts} comptes au total et a visé {targets} personnes de notre liste de "
    "surveillance, dont vous. Ses comptes publient les mêmes messages, ou leurs traductions, à quelques minutes "
    "d’intervalle, en {langs}.",
    "network_state": "Son fonctionnement correspond à celui des réseaux étatiques : {signs}.",
    "network_unattributed": "Nous ne disons pas qui l’exploite.",
    "reached_day": "Le {date}, {accounts} comptes de ce réseau ont publié {posts} messages vous visant sur {platforms}.",
    "finding": "Que ces comptes agissent ensemble est ce que nous avons établi, preuves à l’appui. Leur appartenance "
    "à un réseau connu est une question distincte, qui a ses propres preuves.",
    "known_link": "Ils partagent des indicateurs avec un réseau déjà documenté publiquement : {names}.",
    "no_known_link": "Nous n’avons trouvé aucun lien avec un réseau déjà documenté publiquement.",
    "examples": "Exemples de messages reçus",
    "original": "message d’origine",
    "level": "Niveau de menace",
    "level_safety": "Au moins un message menace votre sécurité (voir plus bas). Communiquez dès maintenant avec la "
    "police locale et le bureau de sécurité parlementaire.",
    "level_harassment": "Aucune menace pour votre sécurité n’a été relevée. Les messages relèvent du harcèlement : "
    "accusations et insultes.",
    "level_nuisance": "Aucune menace pour votre sécurité n’a été relevée. Les messages sont une nuisance : pourriels "
    "et publications coordonnées.",
    "level_none": "Aucune menace n’a été relevée.",
    "level_unknown": "Le niveau de menace n’a pas été évalué pour cette analyse.",
    "how": "Méthode d’évaluation de la menace",
    "checked_intro": "Nous avons vérifié {n} messages qui vous étaient adressés pendant cette période (réponses, "
    "mentions et commentaires sous vos publications) : {campaign} provenant du réseau et {others} d’autres comptes "
    "(par langue : {langs}). Nous avons recherché :",
    "matched": "Résultats",
    "nothing_matched": "Aucun message ne correspond à ces vérifications.",
    "level_rule": "Le niveau est celui de la vérification la plus grave ayant donné un résultat. Sans résultat, il est "
    "« nuisance » si le réseau vous a atteint, et « aucune » sinon.",
    "flagged": "Messages ayant déclenché une vérification de sécurité",
    "actions": "Ce que vous pouvez faire",
    "a1": "Protégez vos comptes : activez l’authentification à deux facteurs et vérifiez qui administre vos pages.",
    "a2": "Signalez les comptes à la plateforme ; un dossier de signalement est disponible auprès de votre "
    "responsable de la sécurité.",
    "a3": "Conservez les preuves : ne supprimez pas les commentaires avant leur archivage.",
    "a4": "Si un message menace votre sécurité, communiquez avec la police locale et le bureau de sécurité "
    "parlementaire.",
    "reference": "Référence : analyse {run} ; réseau {campaigns}. Préparé avec cibwatch le {date}.",
    "and": "et",
    "messages_n": "{n} messages",
    "messages_1": "1 message",
    "posts_word": "publications",
    "reply": "réponses à vos publications",
    "mention": "mentions de votre compte",
    "thread": "commentaires sous vos publications",
    "none": "aucune",
    "safety": "menace pour la sécurité",
    "harassment": "harcèlement",
    "nuisance": "nuisance",
    "not_assessed": "non évalué",
    "r_title": "Rapport de cas : campagne {cid}",
    "r_meta": "Analyse {run} · produit le {date} · TLP:AMBER (à partager avec ceux qui en ont besoin pour agir)",
    "r_contents": "Sommaire",
    "h_summary": "Synthèse",
    "h_score": "Score et méthode de calcul",
    "h_timeline": "Chronologie",
    "h_hours": "Heure de la journée : Ottawa et Pékin",
    "h_network": "Réseau",
    "h_narratives": "Récits",
    "h_targets": "Personnes visées",
    "h_accounts": "Comptes",
    "h_evidence": "Preuves",
    "h_disarm": "Techniques DISARM",
    "h_method": "Méthode et paramètres",
    "s_what": "Du {first} au {last}, {accounts} comptes sur {platforms} ont publié {posts} messages ; {directed} "
    "d’entre eux visaient {targets} personnes de la liste de surveillance.",
    "s_top": "Personnes les plus visées : {names}.",
    "s_langs": "Langues des messages : {langs}.",
    "s_history": "{posts} autres publications de {accounts} de ces comptes, du {first} au {last} ({langs}), précèdent "
    "la campagne : la vie antérieure de ces comptes. Elles sont comptées à part.",
    "s_finding": "Constat : comportement inauthentique coordonné",
    "s_coordinated": "{pairs} paires de ces comptes ont agi ensemble (réponses aux mêmes publications, messages "
    "identiques ou traduits, mêmes liens) plus souvent que le hasard ne le permet ; deux comptes agissaient "
    "typiquement à {gap} d’intervalle.",
    "s_not_coordinated": "Aucune coordination au-delà du hasard n’a été établie pour ce groupe.",
    "s_state": "Classement : de type étatique. Outre la coordination, la campagne présente {n} des {total} signes "
    "observés dans les réseaux étatiques :",
    "s_unattributed": "Classement : coordination non attribuée. La campagne présente {n} signe(s) de type étatique ; "
    "il en faut {min} pour la dire de type étatique. Rien n’est affirmé sur ses exploitants.",
    "s_separation": "Le comportement inauthentique coordonné est un constat étayé par des preuves ; le lien avec un "
    "réseau connu est une affirmation distincte, avec ses propres preuves.",
    "s_link": "Lien avec un réseau connu : {name} ({case}), score de lien {score}, par {shared} en commun. Le score "
    "de lien ne fait pas partie du score de la campagne.",
    "s_no_link": "Aucun lien avec un réseau connu : aucun des {n} cas de la bibliothèque ne partage assez "
    "d’indicateurs avec cette campagne.",
    "s_no_cases": "La bibliothèque de cas est vide : aucun lien avec un réseau connu n’a été recherché.",
    "score_line": "Score : {score} sur 1.",
    "score_formula": "score = 1 − Π(1 − wᵢ) sur les poids wᵢ des preuves de la campagne (OU bruité, Pearl 1988). "
    "Chaque poids mesure ce qu’une observation établirait à elle seule : un plafond par type de preuve multiplié "
    "par la force mesurée. Le lien avec un réseau connu n’entre pas dans le score.",
    "score_calc": "Ici : 1 − {factors} = {score}.",
    "c_kind": "Preuve",
    "c_weight": "Poids wᵢ",
    "c_cap": "Plafond",
    "c_miss": "1 − wᵢ",
    "tl_caption": "Messages par jour (UTC), du {first} au {last}. Rouge foncé : jours de pointe, où le volume dépasse "
    "le volume quotidien habituel de la campagne avec un score z robuste supérieur à {z}. En grisé : jours fériés et "
    "longues fins de semaine.",
    "tl_no_bursts": "Aucun jour de pointe.",
    "tl_caption_plain": "Messages par jour (UTC), du {first} au {last}. En grisé : jours fériés et longues fins de "
    "semaine.",
    "score_none": "Aucune preuve n’est enregistrée pour cette campagne ; le score affiché est celui qui a été "
    "enregistré avec elle.",
    "c_date": "Date",
    "c_weekday": "Jour",
    "c_posts": "Messages",
    "c_z": "z",
    "c_holiday": "Jour férié ou longue fin de semaine",
    "tb_title": "Jours de pointe par personne (messages du jour comparés au volume habituel reçu d’autres comptes)",
    "c_target": "Personne",
    "c_campaign_posts": "De la campagne",
    "c_organic_posts": "D’autres comptes",
    "c_usual": "Habituel par jour",
    "hours_caption": "Messages par heure locale ({n} messages de la période de la campagne). Ottawa : "
    "America/Toronto (UTC−4 en été) ; Pékin : Asia/Shanghai (UTC+8). Encadré : heures de bureau en semaine à Pékin "
    "(9 h–12 h, 14 h–18 h).",
    "net_caption": "{accounts} comptes ; {pairs} paires agissant ensemble au-delà du hasard (traits, plus épais pour "
    "plus d’actions partagées{capped}). Disposition : Fruchterman–Reingold, initialisée avec la graine {seed} de "
    "l’analyse.",
    "net_capped": " ; les {n} paires les plus fortes sont tracées",
    "legend_hijack": "compte détourné",
    "legend_batch": "créé en lot",
    "legend_other": "autre",
    "strongest": "Paires les plus fortes",
    "c_a": "Compte A",
    "c_b": "Compte B",
    "c_shared": "Actions partagées",
    "c_expected": "Attendu par hasard",
    "c_q": "Valeur q",
    "c_gap": "Écart typique",
    "n_clusters": "Messages répétés par plusieurs comptes (groupes de textes)",
    "c_message": "Message",
    "c_langs": "Langue(s)",
    "c_accounts": "Comptes",
    "n_repeated": "Messages les plus répétés par langue",
    "n_terms": "Termes clés (TF-IDF par rapport à tous les messages de la période)",
    "n_names": "Personnes nommées",
    "n_domains": "Sites Web",
    "n_mentions": "Comptes mentionnés",
    "n_none": "Aucun.",
    "c_role": "Fonction",
    "c_party": "Parti",
    "c_how": "Moyen",
    "c_level": "Niveau de menace",
    "t_assess": "Évaluation de la menace par personne",
    "t_checks": "Chaque message adressé à chaque personne pendant la période (par la campagne comme par tout autre "
    "compte) a été vérifié pour : {checks}. {rule}",
    "c_checked": "Messages vérifiés (campagne / autres)",
    "c_matched": "Résultats",
    "how_reply": "réponses",
    "how_mention": "mentions",
    "how_thread": "commentaires sous leurs publications",
    "tl_more": "{n} jours de pointe au total ; les {k} plus marqués sont listés.",
    "e_links": "Liens diffusés, regroupés par page (neutralisés : non cliquables)",
    "c_account": "Compte",
    "c_created": "Création",
    "c_followers": "Abonnés",
    "c_indicators": "Indicateurs",
    "c_score": "Score",
    "i_batch": "lot de {n} créé le {date}",
    "i_handle": "identifiant stéréotypé",
    "i_schedule": "horaire de bureau {tz}",
    "i_hijack": "détourné (ancien nom {old})",
    "i_hijack_plain": "détourné",
    "i_low_reach": "sans audience",
    "i_partners": "agit avec {n} autres",
    "i_known": "dans un cas connu",
    "e_campaign": "Preuves au niveau de la campagne",
    "c_what": "Observation",
    "c_links": "Publications",
    "e_examples": "Exemples d’actions coordonnées (paires de publications et écarts de temps)",
    "c_object": "Objet partagé",
    "c_post_a": "Publication A",
    "c_post_b": "Publication B",
    "e_accounts": "Preuves par compte ({n} comptes : d’abord les comptes détournés, à horaire de bureau ou liés à un "
    "réseau connu, puis les scores les plus élevés)",
    "e_attribution": "Affirmation d’attribution (distincte du score)",
    "c_id": "Identifiant",
    "c_technique": "Technique",
    "c_evidence": "Preuves",
    "countermeasures": "Contre-mesures à demander aux plateformes",
    "m_run": "Analyse",
    "m_seed": "Graine",
    "m_version": "Version de cibwatch",
    "m_started": "Début",
    "m_finished": "Fin",
    "m_detection": "Paramètres de détection",
    "m_assessment": "Paramètres d’évaluation",
    "m_summary": "Bilan de l’analyse",
    "m_data": "Données du magasin",
    "m_method": "Deux comptes sont liés lorsqu’ils agissent sur les mêmes objets (publications, comptes, liens, "
    "messages) dans la fenêtre de temps plus souvent que ne le permet un modèle nul (valeur q de "
    "Benjamini–Hochberg) ; les campagnes sont les communautés de Leiden des liens significatifs. L’évaluation ajoute "
    "les indicateurs de comptes, l’horaire, les pointes, les menaces et les liens avec des réseaux connus, chacun "
    "sous forme de preuve.",
    "m_details": "Les textes des preuves sont rédigés en anglais par l’étape d’évaluation.",
    "yes": "oui",
    "no": "non",
}

#: Named lists: languages, platforms, evidence kinds, state-style signs, threat checks, weekdays, months, holidays.
NAMES: dict[str, dict[str, dict[str, str]]] = {
    "lang": {
        "en": {"en": "English", "fr": "French", "zh": "Chinese", "bn": "Bengali", "und": "undetermined",
               "ar": "Arabic", "es": "Spanish", "ru": "Russian", "hi": "Hindi", "ja": "Japanese", "ko": "Korean"},
        "fr": {"en": "anglais", "fr": "français", "zh": "chinois", "bn": "bengali", "und": "indéterminée",
               "ar": "arabe", "es": "espagnol", "ru": "russe", "hi": "hindi", "ja": "japonais", "ko": "coréen"},
    },
    "platform": {
        "en": {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube"},
        "fr": {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube"},
    },
    "kind": {
        "en": {"co_action": "acting on the same posts, accounts and links", "text_near": "same or near-identical messages",
               "text_exact": "identical messages", "crosslingual": "same message in several languages",
               "creation_batch": "accounts created in batches", "handle_pattern": "formulaic handles",
               "schedule": "office schedule", "hijack": "hijacked accounts", "low_reach": "no audience",
               "burst": "bursts of volume", "known_case": "link to a known network",
               "reply": "replies to the same posts", "reply_account": "replies to the same accounts",
               "mention": "mentions of the same accounts", "domain": "links to the same websites", "url": "the same links",
               "hashtag": "the same hashtags", "media": "the same images", "repost": "reposts of the same posts",
               "comments": "comments under the targets' posts", "threat:defamation": "accusations in the messages",
               "threat:doxxing": "personal details published", "threat:intimidation": "intimidation in the messages"},
        "fr": {"co_action": "actions sur les mêmes publications, comptes et liens", "text_near": "messages identiques ou presque",
               "text_exact": "messages identiques", "crosslingual": "même message en plusieurs langues",
               "creation_batch": "comptes créés en lots", "handle_pattern": "identifiants stéréotypés",
               "schedule": "horaire de bureau", "hijack": "comptes détournés", "low_reach": "absence d’audience",
               "burst": "pointes de volume", "known_case": "lien avec un réseau connu",
               "reply": "réponses aux mêmes publications", "reply_account": "réponses aux mêmes comptes",
               "mention": "mentions des mêmes comptes", "domain": "liens vers les mêmes sites", "url": "mêmes liens",
               "hashtag": "mêmes mots-clics", "media": "mêmes images", "repost": "repartages des mêmes publications",
               "comments": "commentaires sous les publications des personnes visées",
               "threat:defamation": "accusations dans les messages", "threat:doxxing": "coordonnées personnelles publiées",
               "threat:intimidation": "intimidation dans les messages"},
    },
    "sign": {
        "en": {"foreign_schedule": "an office schedule in a foreign time zone",
               "hijacked_accounts": "hijacked or repurposed accounts",
               "chinese_with_en_fr": "Chinese-language messages alongside English or French ones",
               "known_network": "a link to a known network"},
        "fr": {"foreign_schedule": "un horaire de bureau dans un fuseau horaire étranger",
               "hijacked_accounts": "des comptes détournés ou réaffectés",
               "chinese_with_en_fr": "des messages en chinois à côté de messages en anglais ou en français",
               "known_network": "un lien avec un réseau connu"},
    },
    "sign_why": {
        "en": {"foreign_schedule": "Posting follows weekday office hours with a lunch break in {tz}, not Canadian "
               "evenings: people paid to post, working shifts abroad.",
               "hijacked_accounts": "Accounts silent for months came back under new names and in another language: "
               "accounts bought or taken over, as documented for Spamouflage.",
               "chinese_with_en_fr": "Messages in Chinese sit next to English and French ones, often translations of "
               "one another, although the people targeted are Canadian.",
               "known_network": "Accounts, handles, links or texts match a network already documented by a platform or "
               "by researchers (see the link below)."},
        "fr": {"foreign_schedule": "Les publications suivent des heures de bureau en semaine, avec une pause de midi, "
               "en {tz}, et non les soirées canadiennes : des personnes payées pour publier, en horaires de travail, "
               "à l’étranger.",
               "hijacked_accounts": "Des comptes muets pendant des mois sont revenus sous de nouveaux noms et dans une "
               "autre langue : des comptes achetés ou piratés, comme documenté pour Spamouflage.",
               "chinese_with_en_fr": "Des messages en chinois côtoient des messages en anglais et en français, souvent "
               "traduits les uns des autres, alors que les personnes visées sont canadiennes.",
               "known_network": "Des comptes, identifiants, liens ou textes correspondent à un réseau déjà documenté "
               "par une plateforme ou des chercheurs (voir le lien ci-dessous)."},
    },
    "check": {
        "en": {"violence": "threats or wishes of physical harm", "incitement": "calls on others to harm or confront the person",
               "intimidation": "intimidation, surveillance claims and threats to family",
               "defamation": "accusations of crime or corruption", "insult": "insults and degrading language",
               "spam": "spam and calls to click, follow or watch", "doxxing": "personal details made public",
               "email": "e-mail addresses", "phone_nanp": "North American phone numbers",
               "phone_intl": "international phone numbers", "phone_cn": "Chinese mobile numbers",
               "address_en": "street addresses (English form)", "address_fr": "street addresses (French form)",
               "address_zh": "street addresses (Chinese form)", "coordinated": "messages from the network",
               "repetition": "the same text sent repeatedly by one account"},
        "fr": {"violence": "menaces ou souhaits de violence physique", "incitement": "appels à nuire à la personne ou à l’affronter",
               "intimidation": "intimidation, affirmations de surveillance et menaces envers la famille",
               "defamation": "accusations de crime ou de corruption", "insult": "insultes et propos dégradants",
               "spam": "pourriels et incitations à cliquer, suivre ou regarder",
               "doxxing": "divulgation de coordonnées personnelles",
               "email": "adresses électroniques", "phone_nanp": "numéros de téléphone nord-américains",
               "phone_intl": "numéros de téléphone internationaux", "phone_cn": "numéros de mobile chinois",
               "address_en": "adresses postales (forme anglaise)", "address_fr": "adresses postales (forme française)",
               "address_zh": "adresses postales (forme chinoise)", "coordinated": "messages provenant du réseau",
               "repetition": "le même texte envoyé à répétition par un même compte"},
    },
    "check_group": {
        "en": {"lexicon": "words and phrases in English, French and Chinese: {items}",
               "pattern": "personal details (doxxing): {items}"},
        "fr": {"lexicon": "mots et expressions en anglais, en français et en chinois : {items}",
               "pattern": "coordonnées personnelles (divulgation) : {items}"},
    },
    "case_kind": {
        "en": {"account": "account|accounts", "handle": "handle|handles", "domain": "domain|domains", "url": "link|links",
               "text": "text|texts"},
        "fr": {"account": "compte|comptes", "handle": "identifiant|identifiants", "domain": "domaine|domaines",
               "url": "lien|liens", "text": "texte|textes"},
    },
    "weekday": {
        "en": {str(i): d for i, d in enumerate("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())},
        "fr": {str(i): d for i, d in enumerate("lundi mardi mercredi jeudi vendredi samedi dimanche".split())},
    },
    "month": {
        "en": {str(i + 1): m for i, m in enumerate(
            "January February March April May June July August September October November December".split())},
        "fr": {str(i + 1): m for i, m in enumerate(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())},
    },
    "holiday": {
        "en": {},
        "fr": {"New Year's Day": "jour de l’An", "Good Friday": "Vendredi saint", "Easter Monday": "lundi de Pâques",
               "Victoria Day": "fête de la Reine", "Fête nationale (Quebec)": "Fête nationale (Québec)",
               "Canada Day": "fête du Canada", "Civic Holiday": "congé civique", "Labour Day": "fête du Travail",
               "National Day for Truth and Reconciliation": "Journée nationale de la vérité et de la réconciliation",
               "Thanksgiving": "Action de grâce", "Remembrance Day": "jour du Souvenir",
               "Christmas Day": "Noël", "Boxing Day": "lendemain de Noël"},
    },
    "long_weekend": {
        "en": {"_": "{name} long weekend"},
        "fr": {"_": "longue fin de semaine ({name})"},
    },
}

STRINGS: dict[str, dict[str, str]] = {"en": EN, "fr": FR}
