// The create body cannot be written as a struct literal, which could leave `name` out.
use commercelayer::customer_groups::CustomerGroupCreate;

fn main() {
    let _ = CustomerGroupCreate {
        code: Some("vip1".to_string()),
        reference: None,
        reference_origin: None,
        metadata: None,
    };
}
