SELECT county_key FROM dim_county WHERE county_name = $county;
