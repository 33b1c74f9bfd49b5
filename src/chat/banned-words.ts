// The built-in banned words, Turkish and English, for a chat used by children and parents.
// Deliberately short: common insults and profanity only. Deployments add their own words
// with chat.bannedWords in config. Matched on folded words (see text.ts). Turkish words of
// four or more letters also match as a prefix, because Turkish adds suffixes ("salaksın");
// English words match whole only ("cock" must not catch "cockpit").

export const BANNED_WORDS_TR: readonly string[] = [
  'amk', 'aq', 'amına', 'amcık', 'orospu', 'oç', 'piç', 'pezevenk', 'siktir', 'sikik', 'sikerim',
  'yarrak', 'yarak', 'göt', 'götveren', 'ibne', 'kahpe', 'gavat', 'şerefsiz', 'haysiyetsiz',
  'salak', 'gerizekalı', 'aptal', 'dangalak', 'ananı', 'avradını',
];

export const BANNED_WORDS_EN: readonly string[] = [
  'fuck', 'fucking', 'fucker', 'shit', 'bitch', 'bastard', 'asshole', 'ass', 'dick', 'cock',
  'cunt', 'pussy', 'slut', 'whore', 'wanker', 'twat', 'retard', 'motherfucker', 'nigger', 'faggot',
  'idiot', 'stupid', 'moron',
];
