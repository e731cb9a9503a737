"""Hand-written short texts for the relevance rules (authored for these tests; not news text).

Each case: (case_id, kind, title, text, expected relevance).
"""

CASES = [
    # --- about immigration sanctuary policy -----------------------------------------------
    ("pos_city", "sanctuary_policy",
     "Council votes to keep sanctuary city ordinance",
     "The council voted 7-2 to keep the ordinance that bars police from asking about "
     "immigration status. Supporters said the sanctuary city rules help undocumented "
     "residents report crimes; the sheriff warned that ICE would make more arrests in "
     "neighborhoods instead.", True),
    ("pos_church", "church_sanctuary",
     "Mother facing deportation takes refuge in church",
     "A mother of three who was ordered deported has taken sanctuary in a Methodist church, "
     "where immigration agents have so far declined to enter. The congregation voted last "
     "year to offer sanctuary to neighbors facing deportation.", True),
    ("pos_detainer", "detainer",
     "Jail stops honoring detainers",
     "The county jail will no longer hold people past their release date on ICE detainers "
     "unless a judge signs a warrant. Immigration officials said the change lets "
     "deportable people walk free; the county said detainer requests are not court orders.",
     True),
    ("pos_287g", "287g",
     "Sheriff signs 287(g) agreement",
     "The sheriff signed a 287(g) agreement that lets deputies screen people booked into the "
     "jail for immigration status. Critics of the 287(g) program say it erodes trust in "
     "immigrant neighborhoods.", True),
    ("pos_values_act", "california_values_act",
     "Court weighs the California Values Act",
     "A federal appeals court heard arguments over the California Values Act, the 2017 law "
     "that limits how state and local police may help federal immigration agents.", True),
    ("pos_stub", "title_only_stub",
     "Judge blocks grant cuts to sanctuary cities", "", True),
    # --- Second Amendment / gun "sanctuaries" ----------------------------------------------
    ("gun_county", "gun",
     "Rural county becomes a Second Amendment sanctuary",
     "Supervisors declared the county a Second Amendment sanctuary on Tuesday, promising not "
     "to spend money enforcing new gun laws. More than a hundred sanctuary counties have "
     "passed similar resolutions since the legislature took up red-flag rules. Organizers "
     "say the sanctuary movement borrowed its name from cities that limit cooperation with "
     "federal immigration agents, but their fight is over firearms. Gun owners filled the "
     "hall; the sheriff said he would not confiscate rifles.", False),
    ("gun_short", "gun",
     "Town weighs gun sanctuary resolution",
     "A gun sanctuary resolution drew a crowd of firearm owners. The sanctuary measure has no "
     "legal force, the town attorney said, but it signals opposition to gun control.", False),
    ("gun_2a", "gun",
     "2A sanctuary vote set",
     "Commissioners will vote on a 2A sanctuary declaration next week. Backers of the "
     "sanctuary status say the state's new firearm rules go too far.", False),
    # --- wildlife and other animal sanctuaries ---------------------------------------------
    ("wild_elephant", "wildlife",
     "Elephant sanctuary expands",
     "The elephant sanctuary bought 200 more acres so its rescued animals can roam. Keepers "
     "say the sanctuary will take in two more elephants retired from a circus.", False),
    ("wild_birds", "wildlife",
     "Volunteers count birds at the refuge",
     "Volunteers counted 40 species at the bird sanctuary on Saturday. The sanctuary's "
     "wetlands are a stopover for migrating cranes, and the wildlife sanctuary next door "
     "reported a rare owl.", False),
    ("wild_marine", "wildlife",
     "Marine sanctuary rules tighten",
     "Fishing boats will need permits in the marine sanctuary from June. Divers say the "
     "sanctuary's reefs have recovered since the ban on trawling.", False),
    # --- figurative and other senses ------------------------------------------------------
    ("fig_library", "figurative",
     "The library as a sanctuary",
     "For many students the reading room is a sanctuary from noisy dorms. The library "
     "extended its hours so the sanctuary stays open during exams.", False),
    ("fig_kitchen", "figurative",
     "Cooking through grief",
     "After her father died, the kitchen became her sanctuary. She found sanctuary in old "
     "recipes and in the quiet of early mornings.", False),
    ("fig_church_room", "figurative",
     "Historic church restores its windows",
     "Light poured into the sanctuary as the choir rehearsed. Workers removed the pews from "
     "the sanctuary while the stained glass was cleaned.", False),
    ("abortion_city", "other_policy",
     "Town declares itself a sanctuary city for the unborn",
     "The town council passed an ordinance declaring a sanctuary city for the unborn, "
     "banning abortion within city limits. Abortion-rights groups said they would sue.",
     False),
    # --- immigration, but not sanctuary policy; other detainers and SB 54s -------------------
    ("imm_wall", "immigration_other",
     "Senate fight over border wall money",
     "Senators argued over funding for the border wall and more Border Patrol agents. The "
     "bill also raises the cap on H-2B visas for seasonal workers.", False),
    ("crim_detainer", "detainer_other_sense",
     "Prisoner transferred under interstate agreement",
     "The inmate was moved to Ohio under the Interstate Agreement on Detainers, which lets "
     "prosecutors in one state try a prisoner held in another. A detainer lodged in March "
     "started the clock.", False),
    ("other_sb54", "sb54_other_state",
     "Nevada lawmakers pass SB 54 on school buses",
     "Nevada's SB 54 requires seat belts on new school buses. Sponsors said SB 54 will cost "
     "districts about $8,000 per bus.", False),
]

CASES += [
    ("gun_analogy", "gun",
     "Gun-rights sanctuaries borrow a page from the immigration fight",
     "Like the sanctuary cities that refuse to help ICE deport undocumented immigrants, the "
     "new Second Amendment sanctuary counties say they will not enforce laws they consider "
     "unconstitutional. County boards in the state have now passed 90 gun sanctuary "
     "resolutions. Officials who once denounced immigration sanctuary cities now cite them "
     "as precedent for protecting firearm owners. Gun shops reported brisk sales of rifles, "
     "and the NRA sent organizers to every hearing on the red-flag bill and the gun "
     "registry.", False),
]

CASES += [
    ("gun_movement_headline", "gun",
     "Sanctuary movement spreads across rural counties",
     "Boards of supervisors in 40 counties have now adopted resolutions in defense of gun "
     "rights, and more are expected before the legislature votes on universal background "
     "checks and an assault weapons ban. Hundreds of gun owners, some carrying rifles, packed "
     "a high school gym for Monday's vote. The sanctuary resolutions have no legal force, the "
     "attorney general said, and sheriffs must still enforce state firearm laws. Supporters "
     "said the votes send a message about the Second Amendment.", False),
    ("wild_refuge_long", "wildlife",
     "At the sanctuary, a second chance for rescued animals",
     "The sanctuary cares for 300 rescued animals, from goats to a blind horse named Comet. "
     "Volunteers feed the animals twice a day, and a veterinarian visits each week. Migratory "
     "birds stop at the sanctuary's pond every spring. The founder said the sanctuary will "
     "open a new barn this summer, paid for by donors and a grant from a wildlife "
     "foundation.", False),
    ("fig_safe_space", "figurative",
     "Finding sanctuary in the city's public pools",
     "On the hottest days, the pool is a sanctuary: teenagers, grandparents and toddlers "
     "share the shallow end, and nobody checks their phones. The city plans to keep the "
     "sanctuary open until nine at night through August, the parks director said.", False),
    ("pos_long_no_title", "sanctuary_policy",
     "What the new jail rules mean",
     "The county's new rules limit when deputies may tell federal immigration agents that an "
     "inmate is about to be released. Supporters call it a sanctuary policy that protects "
     "undocumented residents who report crimes. The sheriff said the sanctuary rules will "
     "make it harder for ICE to deport people with serious convictions.", True),
]
