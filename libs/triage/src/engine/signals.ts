/**
 * Lexicon of triage signals. Every pattern runs on lower-cased, HTML-free text. Patterns are
 * general English phrasings of impact, not phrases copied from the labelled set.
 */

/** Generic "something is wrong" words. */
export const PROBLEM =
  /\b(?:errors?|erroring|erroneous|fail(?:s|ed|ing|ure|ures)?|broken|breaks?|breaking|not (?:working|loading|load|work|save|saving|saved|updating|update|updated|arriving|arrive|delivered|received|applied|applying|going through|showing|syncing|sync(?:ed)?|decremented|sent|opening|open|responding|getting|able)|(?:does|do|did|is|are|was|were|has|have|had|wo|ca|could|would|should)(?:n'?t| not) (?:work|load|save|update|apply|show|sync|arrive|match|go through|receive|get|open|respond|reach|appear|add up|help|find|let)|\w+ (?:isn'?t|aren'?t) (?:being )?(?:\w+ed|\w+ing)|won'?t (?:load|work|open|save|let)|(?:can'?t|cannot|can not|could ?n'?t|unable to)(?! (?:find|see it|seem to find|figure|work out|wait|thank|recommend|praise))|(?<!(?:slow(?:ed)?|shut|take it|write it|narrow(?:ed)?|count|upside|break|let \w+|scroll(?:ed)?|up and|drop) )down\b(?! (?:to|by|from|the|there|below|arrow|menu|list|payment))|downtime|outage|crash(?:es|ed|ing)?|bug(?:s|gy)?|glitch(?:es|y)?|issues?|problems?|wrong|incorrect|missing|stuck|spinner|spins|blank (?:page|screen)|empty|disappear(?:ed|s|ing)?|stopped|never (?:arrives?|arrived|updates?|loads?|received?|came)|time ?outs?|timing out|times out|timed out|slow(?:ly|ness|er)?|sluggish|lag(?:gy|s)?|latency|delay(?:ed|s)?|late\b|flaky|intermittent(?:ly)?|duplicate[ds]?|twice|off by|pending|unpaid|declined|rejected|denied|invalid|expired|unavailable|unreachable|offline|blurry|misaligned|cut off|rotated|affected|oversell(?:ing)?|overselling|in spam|spam folder|nothing (?:works|loads|happens|goes through|shows)|zero\b|standstill|blocked|blocking|hacked|leak(?:ed|ing|s)?|exposed|exposure|breach|weird|odd|strange|is (?:that|this) (?:normal|expected)|greyed out|grayed out|out of sync|charged (?:twice|two times|double)|double[- ]charged?|overcharged|chargeback|abandon(?:ing|ed)?|losing|throwing|throws|logged out|kicked out|went wrong|something'?s wrong|white (?:page|screen)|(?:go|goes|going|went|land|lands|landing|ends? up|ending up)(?: straight)? (?:in|to|into) (?:the )?(?:spam|junk)|double (?:orders|charges|payments|bookings)|keeps? (?:getting|happening|crashing|failing|logging)|no longer (?!happening|an issue|a problem|failing|broken|occurring|needed|relevant)\w+|empt(?:ied|ies|ying)|blip|hiccup|(?:took|takes|taking) (?:like |about |almost |over |more than )?(?:ages|forever|a minute|minutes|a while|\d+ ?(?:s|sec|seconds|min|minutes))|even though|instead of|started (?:showing|returning|giving|throwing|acting|sending|failing|dropping)|(?:is|are|was|were) not (?:being )?\w+ed|(?:nobody|no ?one|no-one|none of (?:our|the|my) \w+) (?:can|could|is able to|are able to|manages? to|has|have|received?|gets?|got)|no \w+ (?:are|is|were|was) (?:going out|going through|arriving|coming through|being (?:sent|delivered|processed))|(?:going|went) out (?:at all|to nobody))\b/g;

/** Full-outage words. */
export const OUTAGE =
  /\b(?:(?<!(?:slow(?:ed)?|shut|take it|write it|narrow(?:ed)?|count|upside|break|let \w+|scroll(?:ed)?|up and|drop|not|n't|isn't|wasn't|aren't) )down\b(?! (?:to|by|from|the|there|below|arrow|menu|list|payment))|downtime|outage|offline|unreachable|unavailable|completely (?:down|broken|dead|unusable|out)|totally (?:down|broken|dead|unusable)|entirely (?:down|broken)|(?:is|are) dead|unusable|nothing (?:works|loads|goes through)|can'?t be reached|standstill|5\d\d (?:everywhere|on every|for every)|(?:every|each) (?:single )?(?:request|query|attempt|call|page|order|payment) (?:fails|returns|errors|gives|is failing)|(?:100 ?%|all) (?:of )?(?:orders|payments|requests|calls|checkouts) (?:are )?fail)/g;

/** Failure (not just slow): things do not work at all for whoever is affected. */
export const FAILURE =
  /\b(?:errors?|erroring|fail(?:s|ed|ing|ure|ures)?|broken|not (?:working|loading|load|work|going through|delivered|arriving|received|sent)|(?:does|do|did|is|are)(?:n'?t| not) (?:work|load|go through|arrive)|can'?t|cannot|can not|unable to|down|outage|crash(?:es|ed|ing)?|declined|rejected|denied|unavailable|offline|unreachable|blank (?:page|screen)|[5]\d\d|stopped|never (?:arrives?|arrived|received?)|time ?outs?|timing out|times out|timed out|greyed out|grayed out|won'?t (?:load|work|open))\b/g;

export const SECURITY =
  /\b(?:hacked|breach(?:ed)?|compromised|data leak|leak(?:ed|ing)?\b|(?:data|privacy) (?:exposure|leak|breach)|exposure|exposed|security (?:hole|issue|problem|vulnerability|incident|flaw|bug)|vulnerabilit(?:y|ies)|pci(?:[- ]dss)? violation|gdpr (?:violation|breach|issue)|(?:see|seeing|sees|saw|shows?|showing|shown|returning|returns|visible|view|viewing|access(?:ing)?|download(?:ing)?|get(?:ting|s)?|got|receiv(?:e|es|ed|ing)) [^.!?]{0,40}?(?:other (?:customers?|users?|merchants?|people|clients?|accounts?|shops?|stores?)'?s?|another (?:customer|user|merchant|person|client|account|shop|store)'?s?|(?:someone|somebody|anyone) else'?s?|another person'?s|other people'?s|strangers?'?s?)\b|anyone can (?:log ?in|sign in|access|download|see|view|read|edit|delete)|(?:log|logged|sign|signed) ?in (?:to|as) (?:any|another|someone)|without (?:a |any )?password|empty password|(?:passwords?|card numbers?|credit cards?|card details|api keys?|secrets?|tokens?|personal data|pii|social security|iban|bank details)[^.!?]{0,40}?(?:visible|exposed|in plain ?text|plaintext|leak|public|readable)|unauthori[sz]ed (?:access|login|logins|charges?|transactions?|changes?)|account takeover|phishing|someone (?:changed|logged|accessed|got into|stole)|(?:we|our account) (?:was|were|got|have been|has been) (?:hacked|compromised|breached))/g;

export const REVENUE =
  /\b(?:losing (?:money|revenue|sales|orders|business|thousands|\$|€|£)|lost (?:thousands|hundreds|revenue|sales|orders|money|\$|€|£|\d)|lose (?:a lot of |so much |)(?:money|sales|revenue|orders)|revenue (?:is |at |are )?(?:zero|loss|impact|hit|down|dropp)|(?:zero|no) (?:revenue|sales)|revenue (?:loss|impact)|costing us|cost(?:s|ing)? us (?:money|thousands|\$|€|£)|abandon(?:ing|ed)? (?:their )?(?:carts|baskets|orders)|every minute costs|money (?:lost|loss)|losing (?:a lot|so much))/g;

export const MONEY =
  /\b(?:charged (?:twice|two times|double|but|without|again|the wrong)|double[- ]charged?|overcharged|duplicate (?:payment|charge|transaction)|refund(?:s|ed)?|chargeback|wrong amount|unpaid|payment (?:failed|declined|missing|not received|taken)|money (?:taken|deducted|debited)|paid (?:but|twice))\b/g;

/** Breadth: everyone is affected. */
export const BREADTH_ALL =
  /\b(?:everyone|everybody|anybody|for anyone|every (?:single )?(?:users?|customers?|visitors?|shoppers?|merchants?|clients?|stores?|shops?|orders?|query|queries|requests?|attempts?|calls?|payments?|checkouts?|transactions?|accounts?)\b|all (?:of )?(?:our |the |my )?(?:users|customers|shoppers|visitors|merchants|clients|stores|shops|orders|payments|requests|queries|calls|pages|integrations|endpoints|regions|accounts|transactions|checkouts|devices|browsers|visitors)\b|(?:nobody|no ?one|no-one)(?! (?:here|in (?:our|the|my)|on (?:our|my|the)|at (?:our|the|my)|else|from (?:our|my)))|none of (?:our|the|my) (?:users|customers|shoppers|visitors|merchants|clients|orders|payments|requests|emails|endpoints|integrations)|no (?:payments?|orders?|emails?|notifications?|transactions?|customers?|users?) (?:goes|go|are|is|have|has|can|at all|going|went|gets|get|come|coming)\b|any of our (?:users|customers|endpoints|integrations|stores|clients)|for anyone|for all (?:users|customers|of)|to anyone|100 ?%|(?:entire|whole) (?:site|store|shop|platform|app|website|storefront|service|system)|(?:site|store|shop|website|platform|app|storefront|everything)(?: is)? (?:completely |totally )?(?:down|offline)|everywhere|across the (?:board|whole)|completely (?:down|broken|dead|unusable)|totally (?:down|broken|dead))/g;

/** A whole team / company cannot work. */
export const BREADTH_TEAM =
  /\b(?:(?:our |the )?(?:whole|entire) (?:\w+ )?(?:team|office|company|staff|department|org|organi[sz]ation|warehouse|support)|nobody (?:here|in (?:our|the) (?:team|office|company))|nobody on our (?:side|team|end)|none of (?:our|the) (?:\w+ )?(?:staff|team|agents|employees|colleagues|people)|(?:\d+|all|our) (?:people|agents|employees|staff|colleagues|operators) (?:are |is )?(?:idle|blocked|stuck)|(?:for |to )?all (?:of )?(?:our |the )?(?:staff|employees|agents|colleagues|team members|admins)|(?:we|team|staff|everyone) (?:can'?t|cannot|are unable to|is unable to|are not able to) (?:work|do anything)|(?:we are|we're|team is|staff (?:is|are)|\w+ team (?:is|are)|everyone is|office is|warehouse is) (?:completely |totally )?(?:blocked|at a standstill|stuck)|half (?:of )?(?:our|the) (?:team|staff|office|company|agents))\b/g;

/** Many, but not everyone. */
export const BREADTH_MANY =
  /\b(?:(?<!how )many(?! thanks)|lots? of(?! (?:money|time|traffic|work))|a lot of(?! (?:money|time|traffic|work))|most (?:of )?(?:our|the|users|customers|shoppers|people|merchants|stores|orders|products|payments|requests)|tons of|majority|widespread|numerous|hundreds|thousands of (?:users|customers|orders|shoppers|people)|plenty of (?:users|customers)|a third|(?:1|one) in (?:2|3|4|two|three|four)|multiple (?:customers|users|merchants|stores|shops|clients|accounts)|dozens|increasing number|more and more|half (?:of )?(?:our |the )?(?:users|customers|shoppers|orders|payments|requests|merchants))/g;

/** Some: an explicit minority. */
export const BREADTH_SOME =
  /\b(?:some (?:of )?(?:our |the |my )?(?:users|customers|shoppers|merchants|clients|people|staff|accounts|orders|products|queries|deliveries|payments|requests|stores|shops|visitors|regions|pages|us|them)|a few|several|few of|part of (?:our |the )?(?:users|customers|traffic|orders)|certain (?:users|customers|merchants|accounts)|a couple of (?:customers|users|orders|merchants|people|clients|stores)|(?:two|three|four|five|2|3|4|5|6|7|8|9) (?:of our )?(?:customers|users|merchants|shoppers|clients|people|stores|accounts|orders)|for some\b|occasional(?:ly)?)/g;

/** Only a segment is affected; the rest works. */
export const PARTIAL =
  /\b(?:others? (?:are|is|do|does|seem|seems|look|looks|work|works|get|gets)(?: (?:to be ))?(?: fine| ok| okay| normal| good| them| it)?|other (?:carriers|regions|browsers|ones|countries|methods|cards|users|customers|orders|products|pages|devices)[^.!?]{0,25}?(?:fine|ok|okay|work|go through|normal)|\w+ ones are (?:ok|okay|fine)|still (?:work|works|go through|goes through)|(?:desktop|mobile|android|ios|safari|chrome|firefox|web) (?:works|is fine|is ok|still works)|(?:only|just) (?:on|for|in|with) (?:mobile|android|ios|iphone|safari|chrome|firefox|desktop)|for (?:iphone|android|ios|mobile|safari|chrome|firefox|\w+ ?pay) users|for (?:customers|users|merchants|orders|shoppers) (?:in|from|on|with|using) |(?:in|from) (?:asia|europe|australia|africa|canada|quebec|the us|the uk|germany|france|india|japan|brazil) |international (?:orders|customers|shipments)|on mobile)/g;

/** One person / one item. */
export const BREADTH_ONE =
  /\b(?:for me|to me|i (?:can'?t|cannot|get|got|am|'m|keep|see|tried|was|have|had|noticed|couldn'?t|upload|uploaded|pick|open|try)|i'm (?:not|getting|seeing|unable)|my (?:account|profile|export|avatar|phone|order|laptop|password|picture|subscription|card|screen|email|store|daily|weekly|own|browser|computer|login|display)|one (?:of (?:my|our) )?(?:customers?|users?|clients?|shoppers?|orders?|payments?|skus?|accounts?|merchants?|images?|uploads?|parcels?|customer's)|a (?:single|specific) |single (?:customer|user|order|account|payment)|only (?:that|this|one) (?:order|customer|user|account|payment)|just me|everyone else|everybody else|other orders (?:look|are|seem)|one-off|(?:this|that) (?:one )?(?:order|customer|account)|order #?\d{3,}|a customer (?:says|said|reports|reported|told|complained|wrote|got|is|was|can'?t)|the customer (?:says|said|reports|told|complained|wrote)|(?:one|a) (?:customer|user) (?:got|gets|has|had|says|said|reports|can'?t))/g;

export const URGENCY =
  /(?:\b(?:urgent(?:ly)?|asap|immediately|emergency|p1|sev ?1|please help|help ?!|right now|big launch|biggest (?:sale|day)|black friday|cyber monday)\b|!!+)/g;

export const OVER =
  /\b(?:works? (?:now|again|fine now)|(?:working|fine|ok|okay|good|normal) (?:again|now)|back (?:up|to normal|online)|came back|come back|resolved (?:itself|on its own)|recovered|all good now|fixed itself|(?:did|does) work eventually|seems fine now|everything (?:is |'s )?fine (?:now|again)|no longer (?:happening|an issue|a problem|failing|broken)|blip|briefly|brief (?:outage|glitch|error|spike)|momentar(?:y|ily)|for (?:a|one) (?:minute|moment|second|few (?:minutes|seconds))|for (?:like |about |maybe )?(?:\d|two|three|five|ten) ?(?:minutes|mins|seconds|secs)(?: or so)? but|short (?:blip|outage|glitch|hiccup)|hiccup)/g;

export const ONGOING =
  /\b(?:still (?:ongoing|happening|failing|down|broken|not|the same|getting|seeing|an issue)|ongoing|continues|keeps? (?:failing|happening|crashing)|again and again|currently (?:down|failing|broken|unable))\b/g;

export const WORKAROUND =
  /\b(?:work ?-?around|work around it|retry(?:ing)? (?:works|worked|fixes|fixed|helps|helped|succeeded)|retried (?:and|,)|tried again (?:and|,)|re-?(?:add(?:ing|ed)?|load(?:ing|ed)?|fresh(?:ing|ed)?|try(?:ing)?|start(?:ing|ed)?) (?:the (?:page|items?) )?(?:and|fixes|helps|works|solves)|after (?:clearing|refreshing|reloading|re-?adding|logging out|restarting|a retry)|(?:by|after) (?:reloading|refreshing)|i can (?:still|copy|zoom|just|use|do it)|can see everything|(?:just|simply) (?:export|do it|try|run it)(?: \w+)? (?:twice|again)|went through (?:on|after|the second)|smaller (?:ranges|files|exports|batches) work|if i (?:retry|refresh|reload)|eventually (?:works|worked|loads|loaded|went through|did)|manually)/g;

/** Negated workarounds ("refresh doesn't help"). */
export const NO_WORKAROUND =
  /\b(?:no (?:work ?-?around|way around)|(?:refresh(?:ing)?|reload(?:ing)?|retry(?:ing)?|restarting|clearing (?:the )?cache)[^.!?]{0,20}(?:doesn'?t|does not|didn'?t|won'?t|not) (?:help|work|fix)|(?:doesn'?t|does not|didn'?t) help)/g;

export const MINOR =
  /\b(?:minor|cosmetic|small (?:thing|issue|bug|glitch|problem|detail)|(?:not a|no) big deal|not (?:a )?(?:huge|big|major) (?:deal|issue|problem)|typo|misaligned|alignment|cut off|rotated|placeholder|wrong (?:label|colou?r|icon|font|translation|language)|(?:broken|dead) link|link[^.!?]{0,40}?(?:is|was|are) broken|links? (?:is |are )?(?:dead|404)|a (?:bit|little) (?:slow|sluggish|laggy|off)|(?:but|still) usable|slightly|annoying|one-?off|low priority|not urgent at all|nothing urgent|just (?:flagging|letting you know|fyi|so you know)|fyi)/g;

export const HOWTO =
  /\b(?:how (?:do|can|should|would|could) (?:i|we|you|one)|how to|is (?:it|there a way) (?:possible|to)|is there (?:a|an|any) (?:way|option|setting|endpoint|api|report|feature)|can (?:i|we) (?:set|add|change|export|give|get|use|have|schedule|download|import|invite|configure|see|filter|edit|connect|customi[sz]e|remove)|where (?:do|can|is|are|should) (?:i|we|the|my)|what(?:'s| is| are) the (?:difference|best|way|limit|process|price)|does (?:the|your|it|this) [\w-]+ (?:support|allow|handle|work with)|do you (?:have|support|offer|provide)|any (?:plans|chance|news)|roadmap|quick (?:question|one)|just a question|wondering (?:if|whether|how)|i (?:have|had) a question)/g;

export const REQUEST =
  /\b(?:feature request|would (?:be )?(?:great|nice|awesome|helpful|useful|cool) (?:if|to)|it would be (?:nice|great|cool|helpful|useful)|would love|we'?d (?:love|like)|i'?d (?:like|love) (?:to|a|an)|please (?:add|update|cancel|change|send|remove|delete|close|enable|make|consider|support)|could you (?:please )?(?:add|update|send|change|cancel|remove|close|enable|consider)|can (?:u|you) (?:please )?(?:add|send|update|change|cancel|enable|close)|suggestion|wish(?:list)?|(?:you can|please|feel free to) close|can be closed)/g;

export const BILLING_ACCOUNT =
  /\b(?:invoices?|billing|(?:pro|business|free|starter|enterprise) plan|plans|upgrade|downgrade|subscription|vat|pricing|seats?|cancel (?:our|my) (?:subscription|account|plan)|add (?:a )?(?:new )?(?:team member|user|admin|colleague)|(?:team member|admin rights|permissions|read-only access)|change (?:the |my |our )?(?:email|password|address|name|timezone|currency|language))\b/g;

export const PRAISE =
  /(?:\b(?:thank(?:s| you)|love (?:the|it|your)|loves it|great (?:job|work)|awesome|amazing|kudos|well done|appreciate|perfect(?:ly)?|nice work|so much (?:faster|better))\b|🙌|👍|❤️|🎉)/g;

export const DOCS_TYPO =
  /\b(?:typo (?:in|on) (?:the |your )?(?:doc|docs|documentation|api docs|help|guide|readme)|(?:doc|docs|documentation|guide)[^.!?]{0,40}?typo|typo[^.!?]{0,40}?(?:doc|docs|documentation))/g;

export const HEARSAY =
  /\b(?:(?:might|may|could) (?:be|have gone) (?:down|broken|offline|having|an? (?:issue|outage|problem|incident))|heard|mentioned|someone said|somebody said|apparently|rumou?rs?|not sure (?:if|whether)|i wonder|wondering (?:if|whether)|is there an? (?:incident|outage|issue|problem)|seems? to be (?:down|having)|any (?:known )?(?:incident|outage|issues?))\b/g;

export const CONDITIONAL =
  /\b(?:when (?:i|we|you|they|the|a|an|using|trying)|if (?:i|we|you|they|the|a)|for (?:orders|products|items|users|customers|files|accounts) (?:with|that|in|from|over|above|containing)|with more than|more than \d+|only (?:when|if|for|on))\b/;

export const SITE_WIDE = /\b(?:site|store|shop|website|web ?site|platform|homepage|home page|storefront|app|everything|service|system)\b/;

/** A negation right before a match ("not down", "no errors", "isn't broken"). */
export const NEGATION_BEFORE = /\b(?:not|no|never|isn'?t|aren'?t|wasn'?t|weren'?t|without|nor|zero)\s+(?:\w+\s+)?$/;

/** Error codes: HTTP-ish status numbers in an error context. */
export const ERROR_CODE =
  /(?<![#$€£\d.,/-])\b([45]\d\d)(s)?\b(?! ?(?:orders?|products?|items?|parcels?|customers?|users?|people|euros?|dollars?|eur|usd|gbp|km|ms|mb|kb|gb|skus?|units?|rows?|lines?|pages?|calls?|requests?|emails?|times?|x|px|%|\.\d))/g;
