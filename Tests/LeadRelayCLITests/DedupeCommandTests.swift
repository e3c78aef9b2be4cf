import Foundation
import Testing

@Suite("leadrelay dedupe (CSV mode)")
struct DedupeCommandTests {
    static let csv = """
    record_id,source,first_name,last_name,email,phone,company,state,cust_no
    h1,hubspot,Ana,Silva,Ana.Silva+webinar@gmail.com,(415) 555-0134,Acme Labs,MA,
    s1,salesforce,Ana,Silva,ana.silva@acmelabs.io,+1 415 555 0134,"Acme Labs, Inc.",Massachusetts,
    h2,hubspot,Bill,Jensen,bill.jensen@orbit.io,,Orbit,NY,C-77
    s2,salesforce,William,Jensen,,,Orbit Corp,NY,C-77
    h3,hubspot,Chen,Wei,chen.wei@delta.io,,Delta,CA,
    s3,salesforce,Chen,Wei,cwei@delta.io,,Delta,CA,
    h4,hubspot,Ana,Silva,anasilva@gmail.com,,Acme Labs,MA,

    """

    static let map = """
    id: record_id
    fields: { firstName: first_name, lastName: last_name, email: email, phone: phone, company: company, region: state }
    extra:
      customerNumber: { column: cust_no, kind: identifier }
    """

    func write(_ files: [String: String]) throws -> String {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-dedupe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    func clusters(_ path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\r\n").dropFirst()
        return Dictionary(uniqueKeysWithValues: lines.map { line in
            let parts = line.split(separator: ",").map(String.init)
            return (parts[0], parts[1])
        })
    }

    @Test("every row gets a cluster; one person across sources, colleagues apart, an identifier column decides")
    func clustersRows() async throws {
        let directory = try write(["in.csv": Self.csv, "map.yaml": Self.map])
        let run = try await runCLI(["dedupe", "--input", directory + "/in.csv", "--columns", directory + "/map.yaml",
                                    "--output", directory + "/out.csv", "--pairs", directory + "/pairs.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try clusters(directory + "/out.csv")
        #expect(result.count == 7)
        #expect(result["h1"] == result["s1"], "same phone, name, company and state")
        #expect(result["h1"] == result["h4"], "the same gmail mailbox")
        #expect(result["h2"] == result["s2"], "the customer number decides (Bill is William)")
        #expect(result["h3"] != result["s3"], "colleagues at one domain stay apart")
        let pairs = try String(contentsOfFile: directory + "/pairs.csv", encoding: .utf8)
        #expect(pairs.hasPrefix("record_a,record_b,score,evidence\r\n") && pairs.contains("h2,s2,"))
        #expect(pairs.contains("customerNumber +10") && pairs.contains("name +5"), "each link names its evidence")
        #expect(run.stderr.contains("7 rows → 4 people"))
    }

    @Test("--link-only-across keeps a source's own duplicates apart")
    func across() async throws {
        let directory = try write(["in.csv": Self.csv, "map.yaml": Self.map])
        let run = try await runCLI(["dedupe", "--input", directory + "/in.csv", "--columns", directory + "/map.yaml",
                                    "--output", directory + "/out.csv", "--link-only-across", "source"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try clusters(directory + "/out.csv")
        #expect(result["h1"] != result["h4"], "both from hubspot")
        #expect(result["h2"] == result["s2"])
    }

    @Test("a column map naming a missing column or kind is a located configuration error (exit 78)")
    func badMap() async throws {
        let bad = Self.map.replacingOccurrences(of: "company: company", with: "company: employer")
            .replacingOccurrences(of: "kind: identifier", with: "kind: fingerprint")
        let directory = try write(["in.csv": Self.csv, "map.yaml": bad])
        let run = try await runCLI(["dedupe", "--input", directory + "/in.csv", "--columns", directory + "/map.yaml",
                                    "--output", directory + "/out.csv"])
        #expect(run.status == 78)
        #expect(run.stderr.contains("map.yaml:2:") && run.stderr.contains("the CSV has no column 'employer'"))
        #expect(run.stderr.contains("map.yaml:4:") && run.stderr.contains("unknown kind 'fingerprint'"))
        let unquoted = try write(["in.csv": "record_id,name\n1,\"open\n", "map.yaml": "id: record_id\nfields: {}\n"])
        let broken = try await runCLI(["dedupe", "--input", unquoted + "/in.csv", "--columns", unquoted + "/map.yaml", "--output", unquoted + "/o.csv"])
        #expect(broken.status == 78 && broken.stderr.contains("never closed"))
    }
}
