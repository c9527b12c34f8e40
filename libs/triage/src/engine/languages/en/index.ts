/** English. */
import * as chrono from 'chrono-node';
import type { LanguagePack } from '../pack';
import { alt, any, suffixStemmer, words } from '../build';

const AUX = alt("does(?:n't| not)", "do(?:n't| not)", "did(?:n't| not)", "is(?:n't| not)", "are(?:n't| not)", "was(?:n't| not)", "were(?:n't| not)", "won'?t", 'will not', "can'?t", 'cannot', 'can not', "could(?:n't| not)", "has(?:n't| not)", "have(?:n't| not)");
const PEOPLE = alt('users?', 'customers?', 'clients?', 'shoppers?', 'visitors?', 'merchants?', 'people', 'members?', 'accounts?', 'patients?', 'drivers?', 'couriers?', 'riders?', 'partners?', 'restaurants?', 'stores?', 'shops?', 'tenants?', 'subscribers?', 'students?', 'employees?', 'guests?', 'buyers?', 'sellers?', 'players?', 'teams?', 'companies', 'orgs?', 'organi[sz]ations?', 'agents?', 'devices?', 'sites?', 'regions?', 'locations?', 'branches?', 'franchisees?', 'vendors?', 'hosts?', 'clinics?');
const THINGS = alt('orders?', 'payments?', 'requests?', 'calls?', 'pages?', 'transactions?', 'checkouts?', 'bookings?', 'deliveries', 'emails?', 'messages?', 'uploads?', 'deploy(?:ment)?s?', 'builds?', 'jobs?', 'queries', 'query', 'transfers?', 'events?', 'reports?', 'invoices?', 'notifications?', 'attempts?', 'logins?', 'endpoints?', 'projects?', 'apps?', 'cards?');

const stem = suffixStemmer(['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'ed', 'es', 's'], 3);

export const en: LanguagePack = {
  code: 'en',
  iso3: 'eng',
  name: 'English',
  stopwords: [
    'the', 'a', 'an', 'and', 'or', 'but', 'is', 'are', 'was', 'were', 'be', 'been', 'it', 'its', 'this', 'that', 'these', 'those', 'we', 'our', 'you', 'your', 'i', 'my', 'me',
    'they', 'their', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'from', 'by', 'as', 'not', 'no', 'have', 'has', 'had', 'do', 'does', 'did', 'can', 'could', 'would', 'should',
    'will', 'just', 'so', 'if', 'when', 'what', 'how', 'there', 'here', 'since', 'still', 'any', 'all', 'some', 'please', 'thanks', 'hi', 'hello', 'get', 'got', 'about', 'after', 'cannot', 'many', 'every', 'customers', 'customer', 'users', 'user', 'order', 'orders', 'payment', 'payments', 'account', 'error', 'errors', 'failing', 'fails', 'failed', 'page', 'since', 'morning', 'anyone', 'getting', 'keeps', 'when', 'complete', 'mobile', 'only', 'again', 'down', 'broken', 'working', 'anymore', 'issue', 'everyone', 'nobody', 'today', 'yesterday', 'again', 'working', 'anymore', 'everyone', 'nobody', 'something', 'anything', 'team', 'which'],
  stem: (w) => {
    if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
    const s = stem(w);
    return s.length >= 4 && /([bdgklmnprt])\1$/.test(s) ? s.slice(0, -1) : s;
  },
  compounds: false,
  mail: {
    greeting: any(String.raw`^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hiya|yo|to whom it may concern)\b[^\n.!?]{0,40}[,.!:\-]?\s*$`),
    closing: any(String.raw`^(?:(?:kind |best |warm |many )?regards|best(?: wishes)?|cheers|thanks(?: (?:a lot|again|in advance))?|thank you(?: (?:in advance|so much))?|sincerely|yours(?: sincerely| truly)?|all the best|thx|br|sent from my \w+)\b[^\n]{0,30}$`),
    quoteHeader: any(String.raw`^on .{4,120} wrote:?\s*$`, String.raw`^-{2,}\s*original message\s*-{2,}`, String.raw`^from: .+`, String.raw`^-{2,}\s*forwarded message`),
  },
  negation: /(?<![\p{L}])(?:not|no|never|isn'?t|aren'?t|wasn'?t|weren'?t|don'?t|doesn'?t|didn'?t|without|nor|zero|hardly)\s+(?:\p{L}+\s+)?$/u,
  we: words('we', 'our', 'us', "we're", "we've", 'ourselves'),
  cues: {
    failure: words(
      'errors?', 'erroring', 'fail(?:s|ed|ing|ure|ures)?', 'broken', 'breaks?', 'crash(?:es|ed|ing)?', 'bugs?', 'buggy', 'glitch(?:es|y)?', 'issues?', 'problems?', 'wrong', 'incorrect',
      'missing', 'stuck', 'frozen', 'freez(?:es|ing)', 'hangs?', 'hanging', 'spinner', 'spins', 'spinning', 'blank (?:page|screen)', 'white (?:page|screen)', 'disappear(?:ed|s|ing)?', 'vanished',
      'stopped(?: working| syncing| sending| loading| updating| arriving)?', 'not (?:working|loading|load|saving|updating|arriving|delivered|received|sent|showing|syncing|opening|responding|going (?:out|through)|coming through|firing|triggering|refreshing|possible|accepted)',
      `${AUX} (?:work|load|open|save|update|sync|send|arrive|show|respond|go through|get through|connect|fire|trigger|refresh|print|export|download|upload|start|finish|complete|accept|let|come|appear|display|register|recogni[sz]e|receive|log ?in|sign ?in|pay|charge|process)`,
      "can'?t|cannot|can not|unable to|impossible to|not able to", 'does nothing', 'nothing happens', "won'?t (?:load|work|open|let|accept|go)", 'un(?:clickable|responsive|usable|available)',
      'gr[ae]yed out', 'declined', 'rejected', 'denied', 'refused', 'invalid', 'expired', 'timed? ?out', 'time ?outs?', 'timing out', 'times out', 'locked out', 'logged out', 'kicked out',
      'never (?:arrive[sd]?|came|loads?|loaded|showed up|went out|received|got)', "(?:has|have)(?:n'?t| not) (?:arrived|come|been (?:paid|sent|delivered|credited|received|processed)|showed up|gone out|loaded|updated)",
      'no longer', 'anymore', 'went wrong', "something'?s wrong", 'bounced?', 'throw(?:s|ing)', 'returns? (?:an? )?(?:error|5\\d\\d|4\\d\\d)', 'exception', 'not (?:there|visible|found)',
      'empty', 'out of sync', 'mismatch(?:ed)?', 'corrupt(?:ed)?', 'lost', 'keeps? (?:failing|crashing|logging|asking|saying|showing|spinning|loading|timing)',
      'none of (?:the|our|my) \\w+ (?:are|is|have|has|were|was) (?:going|being|arriving|coming|working|loading)', 'no \\w+ (?:are|is) (?:going out|arriving|coming through|being sent)',
    ),
    outage: words(
      "(?<!(?:slow(?:ed)?|shut|write it|narrow(?:ed)?|count|upside|break|scroll(?:ed)?|drop|calm|turn(?:ed)?|let|step|cut|wind|marked|written|put|go|went) )down(?! (?:to|by|from|the|there|below|arrow|menu|list|payment|stairs|town|here|grade))",
      'outage', 'downtime', 'offline', 'unreachable', 'unavailable', 'unusable', 'dead', 'nothing (?:works|loads|goes through|is working|is loading)', 'completely (?:broken|down|dead|unusable|stopped|out)',
      'totally (?:broken|down|dead|unusable)', 'entirely (?:broken|down)', 'not reachable', 'service unavailable', 'bad gateway', 'gateway time-?out', 'major outage', 'whole (?:site|app|platform|system) is',
      'standstill', 'ground to a halt', 'grinding to a halt', 'dark', 'nothing at all',
    ),
    slow: words('slow(?:ly|ness|er|s|ed)?', 'sluggish', 'lag(?:gy|s|ging)?', 'latency', 'delay(?:ed|s)?', 'late', 'takes? (?:ages|forever|a long time|\\d+ ?(?:s|sec|seconds|min|minutes))', 'took (?:ages|forever|\\d+)', 'backlog', 'backed up', 'backing up', 'queued', 'crawl(?:ing)?', 'ttfb', 'p9\\d', 'degraded'),
    intermittent: words('sometimes', 'intermittent(?:ly)?', 'random(?:ly)?', 'occasional(?:ly)?', 'now and then', 'from time to time', 'on and off', 'off and on', 'flaky', 'flak(?:e|ing)', 'some of the time', 'half (?:of )?the time', 'every (?:few|other|now)', 'sporadic(?:ally)?', 'hit (?:and|or) miss'),
    dataWrong: words('wrong (?:numbers?|totals?|amounts?|data|values?|figures|dates?|times?|currency|prices?|balance|status)', 'doubled', 'double[- ]counted', 'duplicated?', 'duplicates', 'counted twice', 'off by', "(?:don'?t|doesn'?t|do not|does not) (?:match|add up)", 'shows? (?:old|stale|yesterday)', 'stale', 'out of date', 'outdated', 'inconsistent', 'discrepanc(?:y|ies)'),
    blocked: words(
      "(?:can'?t|cannot|unable to|not able to) (?:work|do (?:anything|our (?:job|work))|operate|trade|sell|ship|deliver|take (?:orders|payments|bookings)|serve|open|release|deploy|invoice|close the books|get (?:anything|any work) done|access (?:our|my|the) (?:money|funds|account|data))",
      'blocked', 'blocking', 'at a standstill', 'flying blind', 'stuck waiting', 'sitting (?:idle|around)', 'idle', 'locked out', 'completely stuck', 'held up', 'grind(?:ing)? to a halt', 'no way to',
    ),
    all: words(
      'everyone', 'everybody', 'anyone', 'anybody', 'for all', `all (?:of )?(?:our |the |my )?${PEOPLE}`, `all (?:of )?(?:our |the |my )?${THINGS}`, `every (?:single )?(?:${PEOPLE}|${THINGS})`, "(?:nobody|no ?one|no-one)(?! (?:here|in (?:our|the|my)|on (?:our|my|the)|at (?:our|the|my)|else|from (?:our|my)|on the team))",
      `none of (?:our|the|my) ${PEOPLE}`, `none of (?:our|the|my) ${THINGS}`, `no (?:${THINGS}) (?:at all|are|is|go|going|went|get|come)`, '100 ?%', '(?:entire|whole) (?:site|store|shop|platform|app|website|storefront|service|system|product|country|city|region)',
      'everywhere', 'across the board', 'all regions', 'all (?:three|four|five|\\d+) (?:of our )?regions', 'globally', 'worldwide', 'from (?:all|every) (?:regions?|locations?|countries)', 'for anyone',
      'whole (?:app|site|platform) is (?:down|broken|dead)', 'all (?:of them|of it)', 'any (?:browser|device|network|card)', 'every (?:browser|device|time|page)', 'for every(?:one|body)?',
    ),
    team: words(
      '(?:whole|entire) (?:\\w+ )?(?:team|office|company|staff|department|org|organi[sz]ation|warehouse|support team|agency|firm|practice|clinic|school|branch)', `none of us`, 'all of us',
      'nobody (?:here|in (?:our|the) (?:team|office|company))', 'no one (?:here|in (?:our|the) (?:team|office|company)|on (?:our|the) team)', `(?:\\d{1,4}|all|our) (?:people|agents|employees|staff|colleagues|operators|engineers|developers|analysts|users|nurses|doctors|drivers|couriers|cashiers|accountants|reps|members)`,
      'all (?:of )?(?:our |the )?(?:staff|employees|agents|colleagues|team ?members|admins|engineers|developers|analysts|accountants|users)'
    ),
    many: words(
      '(?<!how )many(?! thanks)', 'lots? of', 'a lot of', 'loads of', 'tons of', 'dozens', 'hundreds', 'thousands', `most (?:of )?(?:our |the )?(?:${PEOPLE}|${THINGS})`, 'majority', 'widespread', 'numerous', 'multiple', 'several',
      `half (?:of )?(?:our |the )?(?:${PEOPLE}|${THINGS})`, '\\d{2,3} ?%', 'a third', 'more and more', 'increasing number', 'flood(?:ed)? (?:of|with)', 'jammed', 'piling up', 'pile of', 'swamped', 'inundated', 'a wave of',
    ),
    some: words(`some (?:of )?(?:our |the |my )?(?:${PEOPLE}|${THINGS}|of them|of us)`, 'a few', 'a couple of', 'certain', 'for some', 'some of', 'a handful', 'a small number', 'one region', 'one country', 'one city', 'in one', 'a subset', 'a portion', 'part of'),
    one: words(
      'for me', 'to me', 'just me', 'only me', 'i', "i'm", "i've", "i'd", 'my', 'mine', 'myself', `one (?:of (?:my|our) )?(?:${PEOPLE}|${THINGS})`, `a (?:single|specific|particular) (?:${PEOPLE}|${THINGS})`, `single (?:${PEOPLE}|${THINGS})`,
      `(?:a|one|the) (?:${PEOPLE}) (?:says|said|reports?|reported|told|complained|wrote|got|is|was|can'?t|cannot)`, 'this (?:one )?(?:order|customer|user|account|payment|invoice)', 'order #?\\d{3,}', 'only (?:this|that|one)', 'one-off', 'a colleague', 'my (?:wife|husband|son|daughter|partner)',
    ),
    partial: words(
      '(?:others?|the rest) (?:are|is|seem|seems|look|looks|work|works|go through|goes through)(?: (?:to be ))?(?: fine| ok| okay| normal| good)?', 'still (?:works?|working|goes through|go through|fine|loads?)', '(?:works?|is fine|is ok|are fine) (?:on|in|with|for|from) (?:the )?(?:\\w+)',
      '(?:only|just) (?:on|for|in|with|from|when|if) ', 'except (?:for )?', 'but not (?:on|in|for)', 'other (?:regions|browsers|devices|countries|cities|cards|methods|endpoints|projects|users|customers|carriers|stores) (?:are|work|seem)', '(?:fine|ok|okay|works?) (?:on|in) (?:chrome|firefox|safari|edge|android|ios|desktop|mobile|web|the app|the website)',
      '(?:android|ios|iphone|desktop|mobile|web|chrome|safari|firefox) (?:users )?(?:is|are|seems?|works?) fine', 'internal (?:ones|prs?|traffic) (?:are|is) fine', '(?:us|eu|uk) (?:traffic )?(?:is|are) fine', 'in (?:one|some) (?:region|city|country)',
    ),
    othersToo: words(
      "(?:it'?s )?not just (?:me|us)", 'same (?:here|for|issue|problem|thing|error|with)', 'the same', 'also (?:affected|seeing|having|getting|reporting)', '(?:others|other (?:people|users|customers|companies|merchants|couriers|drivers|teams)) (?:are |have |say |report(?:ing)? )', 'my (?:friends?|colleagues?|coworkers?|wife|husband|sister|brother|partner)',
      '(?:friends?|colleagues?|coworkers?|people) (?:with|on|in|at) ', 'reddit', 'twitter', 'x\\.com', 'forums?', 'facebook group', 'group chat', 'whatsapp group', 'posting about', 'complaining about', 'tweets?', 'reports? (?:on|from) ',
    ),
    statusPage: words('status ?page', 'downdetector', 'down detector', 'status\\.\\w+', 'incident (?:page|banner|notice)', 'major outage', 'partial outage', 'degraded performance', 'investigating', 'in the news', 'other (?:companies|businesses|customers of yours|merchants)', 'notice in (?:your|the) app', 'banner (?:in|on) (?:your|the) app'),
    security: words(
      'hacked', 'breach(?:ed)?', 'compromised', 'data leak', 'leak(?:ed|ing)?', 'exposed', 'exposure', 'security (?:hole|issue|problem|vulnerability|incident|flaw|bug)', 'vulnerabilit(?:y|ies)', 'account takeover', 'taken over',
      "(?:someone|somebody|anyone|another (?:customer|user|person|company|team|tenant|merchant|client)|other (?:customers|users|people|companies|tenants|merchants|clients)|a stranger)(?:'s|s')? (?:data|details|account|statement|invoices?|orders?|addresses?|emails?|names?|files?|projects?|secrets|source code|variables|transactions|documents|information|info|records|dashboards?|reports?)",
      "(?:see|seeing|saw|shows?|showing|visible|view|viewing|access(?:ing)?|download(?:ed|ing)?|receiv(?:e|ed|ing)|got)[^.!?\\n]{0,50}(?:someone else|another (?:customer|user|person|company|team|tenant|merchant|client)|other (?:customers|users|people|companies|tenants|merchants|clients)|a different (?:person|customer|user|company)|not ours|isn'?t ours|aren'?t ours|never created)",
      'someone (?:else )?(?:is in|got into|logged into|accessed|changed|used) (?:my|our)', "(?:i|we) did(?: not|n'?t) (?:make|authori[sz]e|do|request) (?:these|this|those|that)", 'unauthori[sz]ed', 'fraud(?:ulent)?',
      '(?:passwords?|card numbers?|api keys?|secrets?|tokens?|credentials|personal data|pii|environment variables|env vars)[^.!?\\n]{0,40}(?:visible|exposed|in plain ?text|plaintext|leaked|public|unmasked|readable|printed)', 'plain ?text', 'unmasked',
      'still (?:has|have) access', 'still (?:able to|can) (?:log ?in|access|see)', '(?:removed|deleted|deactivated|offboarded|fired|left)[^.!?\\n]{0,60}still (?:has|have|can|able)', 'without (?:a |any )?password', 'anyone can (?:log ?in|sign in|access|see|download|read|edit)', '(?:a )?different (?:person|customer|user|company|account)', '(?:people|names|accounts|payees) (?:i\'?ve|we\'?ve|i have|we have) never (?:heard of|seen)', 'never heard of', 'not (?:mine|ours)', 'privacy', 'someone else\'?s', 'other (?:customers|users|people|companies)\''),
    phishing: words('phishing', 'scam(?:mer)?s?', 'suspicious (?:email|e-mail|sms|text|message|call|link|login)', 'fake (?:email|sms|site|website|message)', 'spoof(?:ed|ing)?', 'is this (?:email|message|sms) (?:from you|legit|real|genuine)', "(?:code|codes|otp)[^.!?\\n]{0,30}(?:didn'?t|did not|never) (?:request|ask)"),
    revenue: words(
      'losing (?:money|revenue|sales|orders|business|customers|bookings|thousands|deals|\\$|€|£)', 'lost (?:thousands|hundreds|revenue|sales|orders|money|business|bookings|deals)', 'lose (?:money|sales|revenue|orders|business)', 'revenue (?:loss|impact|hit)', 'costing us', 'cost(?:s|ing)? us',
      'wasted? (?:about |around )?(?:\\$|€|£)?\\d', 'wasting (?:money|budget|spend)', 'burning (?:money|budget|ad|spend|cash)', '(?:\\$|€|£) ?\\d[\\d,.]*k? (?:an|per|every|each) (?:hour|minute|day)', '\\d[\\d,.]*k? ?(?:\\$|€|£|usd|eur|gbp) (?:an|per|every|each) (?:hour|minute|day)',
      '(?:can|could)(?:not|n\'?t) (?:sell|take (?:orders|payments|bookings))', 'no (?:sales|orders|revenue) (?:at all|since|today|for)', 'abandon(?:ing|ed)? (?:their )?(?:carts|baskets|orders)', 'every minute costs', 'refunding (?:people|customers|orders)', 'black friday', 'cyber monday',
    ),
    money: words(
      'charged (?:twice|two times|double|again|extra|the wrong|for|me|us)', 'double[- ]charged?', 'overcharged?', 'duplicate (?:payment|charge|transaction|debit)', 'refunds?', 'refunded', 'chargeback', 'wrong amount', 'debited', 'deducted', 'taken from (?:my|our)', 'took (?:the|my|our) money',
      '(?:money|funds|payout|payment|transfer|salary|balance|deposit|cashback|earnings|wages) (?:is |has |have |was )?(?:missing|gone|disappeared|not (?:arrived|received|credited|paid)|never (?:arrived|came)|short|lost|stuck|vanished)', "(?:haven'?t|have not|hasn'?t|has not|wasn'?t|weren'?t|never) (?:been )?(?:paid|received|credited|refunded)",
      '(?:\\$|€|£) ?\\d[\\d,.]*', '\\d[\\d,.]* ?(?:\\$|€|£|eur|euros?|usd|dollars?|gbp|pounds?|brl|reais|r\\$)', 'paid (?:twice|but|for)', 'fees?', 'overdraft', 'short by', 'underpaid', 'not paid',
    ),
    impact: words(
      '(?:customers|clients|patients|guests|people|users|drivers|couriers|members|parents|students) (?:are |keep )?(?:calling|phoning|ringing|complaining|waiting|queu(?:e|ing)|emailing|angry|furious|walking out|leaving)', 'phones? (?:are )?(?:ringing|jammed)', 'by hand', 'manually',
      'tickets? (?:piling|are piling)', 'queue (?:is )?(?:growing|building)', 'waiting in', 'lining up', 'can\'?t (?:ship|deliver|fulfil|fulfill|serve|bill|trade)', 'deadline', 'board meeting', 'payroll', 'rent', 'audit(?:ors)?', 'tax', 'month[- ]end', 'go[- ]live', 'launch(?:ing)?',
      'production', 'prod', 'live site', 'in production',
    ),
    over: words(
      'works? (?:now|again|fine now)', '(?:working|fine|ok|okay|good|normal|back) (?:again|now)', 'back (?:up|to normal|online)', 'came back', 'recovered', 'resolved (?:itself|on its own)', 'fixed itself', 'sorted itself',
      'all (?:good|fine) now', 'seems fine now', 'everything (?:is |\'s )?(?:fine|ok|working) (?:now|again)', 'no longer (?:happening|an issue|a problem|failing|broken)', 'blip', 'briefly', 'brief (?:outage|glitch|error|spike|blip)',
      'momentar(?:y|ily)', 'for (?:a|one) (?:minute|moment|second|few (?:minutes|seconds))', 'for (?:like |about |around |maybe )?(?:\\d+|two|three|five|ten|thirty|forty) ?(?:minutes|mins|seconds|secs)', 'already (?:resolved|fixed|over|gone|back)', 'went through (?:eventually|in the end|after)', 'eventually (?:worked|went through|loaded|arrived)',
      'it(?:\'s| is| was) there now', 'arrived (?:now|in the end|eventually|this morning)', 'was (?:down|broken|failing|slow) for',
    ),
    workaround: words(
      'work ?-?around', 'work around it', 'retry(?:ing)? (?:works|worked|fixes|fixed|helps|helped)', 'retried (?:and|,)', 'tried again (?:and|,)', 'after (?:a )?(?:clearing|refresh(?:ing)?|reload(?:ing)?|logging out|restarting|retry(?:ing)?|reinstall(?:ing)?)',
      '(?:i|we) can (?:still|just|use|do it|copy|zoom)', 'if (?:i|we) (?:retry|refresh|reload|restart)', 'using (?:the )?(?:other|another|a different|the old)', 'instead(?: of)?', 'in the meantime', 'for now (?:we|i)',
      '(?:works|worked|fine|ok) (?:in|on|with|via|from|through) (?:chrome|firefox|safari|edge|android|ios|the app|the website|desktop|mobile|the web|another|a different|the other)', 'went through (?:on|after|the second)', 'second (?:try|attempt) (?:worked|went)',
    ),
    minor: words(
      'minor', 'cosmetic', 'small (?:thing|issue|bug|glitch|problem|detail)', '(?:not a|no) big deal', 'not (?:a )?(?:huge|big|major|serious) (?:deal|issue|problem)', 'typo', 'misaligned', 'alignment', 'cut off', 'truncated', 'placeholder', 'annoying', 'slightly', 'a (?:bit|little) (?:slow|off|annoying|weird)',
      'no rush', 'not urgent', 'nothing urgent', 'low priority', 'when you (?:get a chance|have time|can)', 'just (?:flagging|letting you know|fyi|so you know|reporting|a heads up)', 'fyi', 'heads up', 'tiny', 'trivial', 'nitpick', 'curious', 'odd', 'weird', 'strange', 'mislead(?:ing)?',
      'wrong (?:label|colou?r|icon|font|translation|language|format|timezone)', '(?:broken|dead) link', 'pennies', 'cents',
    ),
    hearsay: words('(?:might|may|could) (?:be|have)', 'heard', 'someone (?:said|told)', 'apparently', 'rumou?rs?', 'not sure (?:if|whether)', 'i wonder', 'wondering (?:if|whether)', 'is (?:there|it) an? (?:outage|incident|issue|problem|known)', 'any (?:known )?(?:incident|outage|issues?)', 'is \\w+ down', 'a colleague (?:says|said|mentioned|told)', 'mentioned', 'seems? to be'),
    howto: words(
      'how (?:do|can|should|would|could|does) (?:i|we|you|one|it|this|that)', 'how to', 'is (?:it|there a way) (?:possible|to)', 'is there (?:a|an|any) (?:way|option|setting|endpoint|api|report|feature|limit)', 'can (?:i|we) (?:set|add|change|export|give|get|use|have|schedule|download|import|invite|configure|see|filter|edit|connect|customi[sz]e|remove|keep|move|pay|transfer|order|request|book|open|close|cancel|switch|link)',
      'where (?:do|can|is|are|should) (?:i|we|the|my)', 'what (?:is|are|happens|does|do) ', 'when (?:are|is|will|do) ', 'do you (?:have|support|offer|provide|plan)', 'does (?:the|your|it|this) [\\w-]+ (?:support|allow|handle|work with|include)', 'quick question', 'just a question', '(?:a|one) question', 'wondering (?:if|whether|how)', 'could you (?:explain|tell|clarify|confirm)', 'which (?:plan|option|one)', 'what\'?s the (?:difference|best|limit|process|price)', 'setup', 'set up',
    ),
    request: words('feature request', 'would (?:be )?(?:great|nice|awesome|helpful|useful|cool|lovely) (?:if|to)', 'it would be (?:nice|great|cool|helpful|useful)', 'would love', "we'?d (?:love|like)", "i'?d (?:like|love) (?:to|a|an|the)", 'please (?:add|consider|support|make|allow|enable)', 'could you (?:please )?(?:add|consider|allow|enable|support)', 'any plans', 'roadmap', 'suggestion', 'wish(?:list)?', 'request(?:ing)? (?:a|an|the)', 'toggle', 'option to', 'ability to'),
    billing: words('invoices?', 'billing', 'billed', 'receipts?', 'vat', 'tax (?:number|id|certificate|form|year)', 'plans?', 'pricing', 'price', 'upgrade', 'downgrade', 'subscriptions?', 'renew(?:al)?', 'cancel (?:our|my|the) (?:subscription|account|plan|contract)', 'close (?:my|our) account', 'seats?', 'payment method', 'credit note', 'purchase order', 'po number', 'quote', 'contract', 'discount', 'trial', 'certificate', 'statement', 'commission', 'fees'),
    praise: words('thank(?:s| you)', 'love (?:the|it|your|how)', 'loving', 'great (?:job|work|service|update|feature)', 'awesome', 'amazing', 'kudos', 'well done', 'appreciate(?:d)?', 'brilliant', 'fantastic', 'excellent', 'lovely', 'nice work', 'so much (?:faster|better|easier)', 'shout-?out', 'impressed', 'delighted', 'compliments'),
    docs: words('docs', 'documentation', 'the guide', 'help (?:center|centre|article)', 'readme', 'api reference', 'tutorial', 'knowledge base', 'faq', 'typo', 'example in'),
    falseAlarm: words('please ignore', 'ignore my (?:last|previous|earlier)', 'false alarm', 'never ?mind', 'sorry for the noise', 'my (?:bad|mistake|fault)', 'our (?:bad|mistake|fault)', 'our (?:own )?(?:proxy|firewall|vpn|it|network|dns|ad ?blocker)', 'in (?:my|the) spam', 'spam folder', 'it was (?:us|me|our)', 'user error', 'found (?:it|the (?:problem|issue|cause))', 'figured it out', 'turned out', 'all sorted', 'you can close', '(?:problem|issue|it|cause) (?:was|is) on our (?:side|end)'),
    works: words('works (?:fine|well|great|perfectly)', 'working (?:fine|well|great|perfectly)', 'no (?:problems?|issues?|errors?) (?:at all|so far)?', 'nothing (?:is )?(?:broken|wrong)', 'everything (?:is )?(?:fine|working|ok)', 'all good'),
    urgency: words('urgent(?:ly)?', 'asap', 'immediately', 'emergency', 'p1', 'sev ?1', 'critical', 'please help', 'escalate', 'right now', 'now!'),
  },
  window: {
    chrono: chrono.en.casual,
    numbers: {
      a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, fifty: 50, sixty: 60, ninety: 90,
      'half an': 0.5, 'a half': 0.5, 'a couple of': 2, 'a couple': 2, 'couple of': 2, 'a few': 3, few: 3, several: 3,
    },
    units: { 'quarter of an hour': 'q', s: 's', sec: 's', secs: 's', second: 's', seconds: 's', m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm', h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h', day: 'd', days: 'd', week: 'w', weeks: 'w' },
    durations: [
      String.raw`(?:for|in|over|during|within)\s+(?:the\s+)?(?:last|past)\s+{N}?\s*{U}`,
      String.raw`(?:the\s+)(?:last|past)\s+{N}?\s*{U}`,
      String.raw`{N}\s*{U}\s+ago`,
      String.raw`(?<!(?:after|wait(?:ed|ing)?|spins?|spinning|loads?|loading|hangs?|hanging|takes?|took|every|in|within|using|used|customer|member|subscribed|trial|plan|each|per|only|just|lasts?|lasted)\s+)(?:for|since)\s+(?:about\s+|around\s+|roughly\s+|almost\s+|nearly\s+|over\s+|more than\s+|at least\s+|like\s+|~\s*)*{N}\s*{U}(?!\s+(?:now\s+)?(?:at|every|each|before|after|later|from now))`,
      String.raw`(?:been|it'?s been|going on|happening|started)\s+(?:for\s+)?(?:about\s+|around\s+|almost\s+|nearly\s+|over\s+)?{N}\s*{U}`,
    ],
    clockLead: String.raw`since|from|at|around|about|starting|started|began|beginning|as of|after|approx(?:imately)?|till now since`,
    notOnsetBefore: String.raw`every|each|daily|until|till|til|by|before|tomorrow|next|meeting|call|demo|appointment|schedule[sd]?|runs?|scheduled|reopens?|opens?|closes?|due|deadline|expires?|between \S+ and|cut-?off|planned|window`,
    noon: 'noon|midday|lunchtime',
    midnight: 'midnight',
    yesterday: 'yesterday|last night',
    hourWord: "o'?clock|h",
    pm: 'in the (?:afternoon|evening)|tonight|pm',
  },
  concepts: {
    auth: ['login', 'log in', 'logging in', 'sign in', 'signin', 'signing in', 'password', 'sso', '2fa', 'two-factor', 'mfa', 'otp', 'authentication', 'passcode', 'face id', 'touch id', 'locked out', 'verification code', 'single sign-on'],
    payment: ['payment', 'payments', 'pay', 'paying', 'charged', 'charged twice', 'double charge', 'refund', 'chargeback', 'card payment', 'apple pay', 'google pay', 'paypal', 'checkout payment', 'declined', '3d secure', '3ds', 'pix', 'bizum', 'ideal', 'sepa'],
    checkout: ['checkout', 'check out', 'cart', 'basket', 'place order', 'placing orders', 'order button', 'pay button'],
    notification: ['notification', 'notifications', 'email', 'emails', 'e-mail', 'push', 'sms', 'text message', 'alert', 'confirmation email', 'newsletter', 'inbox', 'reminder', 'reminders'],
    export: ['export', 'exports', 'csv', 'download', 'xlsx', 'excel', 'pdf export'],
    report: ['report', 'reports', 'reporting', 'analytics', 'chart', 'charts', 'scheduled report'],
    dashboard: ['dashboard', 'dashboards', 'widget', 'widgets', 'chart', 'charts', 'graph', 'graphs', 'board'],
    search: ['search', 'searching', 'search results', 'search bar', 'find', 'filter'],
    billing: ['invoice', 'invoices', 'billing', 'subscription', 'plan', 'receipt', 'vat', 'charged', 'overage', 'seats', 'renewal', 'credit note'],
    delivery: ['delivery', 'deliveries', 'courier', 'rider', 'driver', 'shipping', 'shipment', 'parcel', 'package', 'dispatch'],
    tracking: ['tracking', 'track', 'eta', 'map', 'order status', 'where is my order'],
    transfer: ['transfer', 'transfers', 'wire', 'bank transfer', 'iban', 'send money', 'sent money', 'payee', 'standing order', 'direct debit'],
    card: ['card', 'debit card', 'credit card', 'pin', 'virtual card', 'card freeze', 'frozen card', 'contactless'],
    mobile: ['app', 'mobile app', 'ios app', 'android app', 'iphone', 'android', 'ipad', 'tablet', 'phone'],
    api: ['api', 'endpoint', 'endpoints', 'rest api', 'webhook', 'webhooks', 'api key', 'token', 'sdk', 'graphql', 'rate limit'],
    deploy: ['deploy', 'deploys', 'deployment', 'deployments', 'build', 'builds', 'release', 'rollout', 'preview', 'ci'],
    database: ['database', 'databases', 'db', 'postgres', 'mysql', 'redis', 'backup', 'backups', 'replica', 'query', 'queries'],
    dns: ['dns', 'domain', 'domains', 'certificate', 'ssl', 'tls', 'cname', 'nameserver', 'https'],
    logs: ['logs', 'log', 'logging', 'log drain', 'log viewer'],
    upload: ['upload', 'uploads', 'image', 'images', 'photo', 'photos', 'file', 'files', 'attachment', 'attachments'],
    calendar: ['calendar', 'booking', 'bookings', 'appointment', 'appointments', 'schedule', 'slot', 'slots', 'reservation', 'reservations'],
    messaging: ['chat', 'message', 'messages', 'messaging', 'inbox', 'conversation', 'conversations', 'live chat'],
    account: ['account', 'profile', 'settings', 'user', 'users', 'team members', 'invite', 'invites', 'permissions', 'roles', 'seat'],
    sync: ['sync', 'syncing', 'synced', 'integration', 'integrations', 'connector', 'connectors', 'import', 'importing'],
    payout: ['payout', 'payouts', 'earnings', 'settlement', 'settlements', 'paid out', 'weekly payment', 'remittance'],
    promotion: ['promo', 'promo code', 'voucher', 'coupon', 'discount', 'discount code', 'offer', 'promotion', 'promotions'],
    inventory: ['stock', 'inventory', 'sku', 'skus', 'warehouse'],
    statement: ['statement', 'statements', 'bank statement', 'documents', 'certificate'],
    savings: ['savings', 'pot', 'pots', 'vault', 'round-ups', 'interest', 'goal'],
    atm: ['atm', 'cash machine', 'cashpoint', 'withdrawal', 'withdraw', 'cash'],
    identity: ['kyc', 'verification', 'verify', 'identity', 'id card', 'passport', 'document check', 'onboarding', 'selfie'],
  },
};
