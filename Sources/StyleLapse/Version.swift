// The version StyleLapse reports (`stylelapse --version`, a film's comment).

public enum StyleLapseVersion {
    public static let current = "0.5.0"
}
