/// Word lists for the generator: plausible, varied, and free of real people.
enum SeedData {
    static let firstNames = ["Ana", "Ben", "Carla", "Dmitri", "Elena", "Farah", "George", "Hana", "Ivan", "Julia", "Kofi", "Lena",
                             "Marco", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Xavier",
                             "Yara", "Zoe", "Amelie", "Bruno", "Chen", "Diego", "Esther", "Felix", "Greta", "Hugo", "Ines", "Jonas"]
    /// Given names people shorten, with the short form they sign up with.
    static let nicknames: [String: String] = [
        "William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate", "Alexander": "Alex",
        "Jennifer": "Jen", "Michael": "Mike", "Margaret": "Maggie", "Thomas": "Tom", "Daniel": "Dan",
        "Joseph": "Joe", "Christopher": "Chris", "Rebecca": "Becky", "Samantha": "Sam", "Nicholas": "Nick",
        "Jonathan": "Jon", "Victoria": "Vicky", "Benjamin": "Ben", "Patricia": "Pat", "Anthony": "Tony",
    ]
    static let formalNames = nicknames.keys.sorted()
    /// Names written with accents in one system and often without in the other.
    static let accentedFirstNames = ["José", "Zoë", "Chloé", "Renée", "André", "Björn", "Łukasz", "Inés", "Joëlle", "Søren", "Ramón", "Františka"]
    static let accentedLastNames = ["Gómez", "Müller", "Núñez", "Sørensen", "Dvořák", "Çelik", "Łopez", "Håkansson", "Pérez", "Šimić"]
    static let lastNames = ["Almeida", "Brooks", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Huang", "Ibrahim", "Jensen",
                            "Kowalski", "Larsen", "Moreau", "Nakamura", "O'Neill", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka",
                            "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Okafor", "Silva", "Novak", "Haddad"]
    static let companyWords = ["Acme", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kite",
                               "Lumen", "Maple", "Nimbus", "Orbit", "Pioneer", "Quartz", "River", "Summit", "Tidal", "Umbra",
                               "Vertex", "Willow", "Zenith", "Atlas", "Beacon", "Cobalt", "Drift", "Echo", "Fjord"]
    static let companyNouns = ["Labs", "Systems", "Health", "Analytics", "Logistics", "Software", "Networks", "Foods", "Bank", "Works"]
    static let companySuffixes = ["Inc.", "LLC", "Ltd", "GmbH", "Corp", ""]
    static let titles = ["CEO", "CTO", "Founder", "VP Marketing", "Vice President, Sales", "Director of IT", "Head of Operations",
                         "Marketing Manager", "Sales Manager", "Software Engineer", "Analyst", "Student", "Consultant",
                         "Chief Revenue Officer", "Senior Director, Procurement", "Office Manager"]
    static let states = ["NY", "MA", "CT", "NJ", "PA", "CA", "TX", "WA", "IL", "FL", "CO", "GA", "OR", "NC"]
    static let freeMail = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"]
    static let tlds = ["com", "io", "co", "net"]
    /// HubSpot industry option → Salesforce industry picklist value.
    static let industries: [(hubspot: String, salesforce: String)] = [
        ("COMPUTER_SOFTWARE", "Technology"), ("HOSPITAL_HEALTH_CARE", "Healthcare"), ("FINANCIAL_SERVICES", "Finance"),
        ("RETAIL", "Retail"), ("MACHINERY", "Machinery"), ("BANKING", "Banking"), ("INSURANCE", "Insurance"),
        ("EDUCATION_MANAGEMENT", "Education"), ("TELECOMMUNICATIONS", "Telecommunications"),
    ]
    static let pages = ["https://www.example-vendor.com/pricing", "https://www.example-vendor.com/pricing/enterprise",
                        "https://www.example-vendor.com/blog/lead-routing", "https://www.example-vendor.com/careers/sdr",
                        "https://www.example-vendor.com/product", "https://www.example-vendor.com/docs/api"]
    static let reps: [(id: String, first: String, last: String)] = [
        ("ana", "Ana", "Alves"), ("ben", "Ben", "Baker"), ("chloe", "Chloe", "Chan"),
        ("dev", "Dev", "Desai"), ("eli", "Eli", "Evans"), ("fay", "Fay", "Foster"),
    ]
}
