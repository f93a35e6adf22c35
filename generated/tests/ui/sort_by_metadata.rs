// `metadata` is not sortable, so there is no sort to name it with.
use commercelayer::Client;
use commercelayer::customer_groups::CustomerGroupSort;

fn main() {
    let client = Client::new("https://acme.commercelayer.io/api", "token").unwrap();
    let _ = client.customer_groups().list().sort(CustomerGroupSort::Metadata);
}
